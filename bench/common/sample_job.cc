#include "common/sample_job.h"

#include <chrono>
#include <string>

#include <ebworker/worker/request.h>

#include "core/iso_time.h"
#include "envelope/envelope.h"
#include "envelope/uuid.h"

namespace bench {

namespace {
// What an envelope adds around its arguments (job_class, job_id, queue_name, …): measured once.
std::size_t envelope_overhead() {
  static const std::size_t overhead = [] {
    auto e = ebworker::Envelope::make("NoopJob", "[]");
    return e ? e->to_json().size() - 2 : 0;
  }();
  return overhead;
}
}  // namespace

std::string sample_arguments(std::size_t body_bytes) {
  const std::size_t target = body_bytes > envelope_overhead() + 64 ? body_bytes - envelope_overhead() : 64;
  std::string json = R"(["order-2026-118342",{"customer_id":48213,"currency":"EUR","items":[)";
  const std::string tail = R"(],"note":"leave at the door"}])";
  for (int i = 0; json.size() + tail.size() < target; ++i) {
    if (i) json += ',';
    json += R"({"sku":"SKU-)" + std::to_string(10000 + i) + R"(","qty":)" + std::to_string(1 + i % 4) +
            R"(,"price_cents":)" + std::to_string(999 + 250 * i) + "}";
  }
  return json + tail;
}

std::string sample_body(std::size_t body_bytes) {
  auto e = ebworker::Envelope::make("NoopJob", sample_arguments(body_bytes));
  return e ? e->to_json() : std::string();
}

std::vector<std::pair<std::string, std::string>> sqsd_headers(const std::string& body,
                                                              const ebworker::Signer& signer) {
  using namespace ebworker;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string at = iso8601_utc_seconds(now);
  // Literal names: what aws-sqsd forwards for the message-digest and origin attributes.
  static_assert(sqsd_header::kAttributePrefix == "X-Aws-Sqsd-Attr-" && kDigestAttribute == "message-digest" &&
                kOriginAttribute == "origin");
  return {
      {"Content-Type", "application/json"},
      {"User-Agent", "aws-sqsd/3.0.4"},
      {std::string(sqsd_header::kMessageId), uuid_v4()},
      {std::string(sqsd_header::kQueue), "ebworker-jobs"},
      {std::string(sqsd_header::kFirstReceivedAt), at},
      {"X-Aws-Sqsd-Sent-At", at},
      {std::string(sqsd_header::kReceiveCount), "1"},
      {"X-Aws-Sqsd-Sender-Id", "AROAEXAMPLEROLEID:i-0123456789abcdef0"},
      {"X-Aws-Sqsd-Attr-message-digest", signer.sign(body)},
      {"X-Aws-Sqsd-Attr-origin", std::string(kOriginValue)},
      {"X-Aws-Sqsd-Path", "/"},
  };
}

}  // namespace bench
