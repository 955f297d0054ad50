#include "support/sqsd_message.h"

#include <chrono>
#include <stdexcept>

#include <ebworker/worker/request.h>

#include "core/iso_time.h"
#include "envelope/envelope.h"
#include "envelope/uuid.h"

namespace ebworker::testing {

namespace {

std::string digest_header(std::string_view digest) {
  return std::string(sqsd_header::kAttributePrefix) + std::string(kDigestAttribute) + ": " + std::string(digest);
}

}  // namespace

Signer make_signer(std::string_view key) {
  auto signer = Signer::create(std::string(key));
  if (!signer) throw std::runtime_error(signer.error().message);
  return std::move(signer).value();
}

std::vector<std::string> sqsd_headers(std::string_view msgid) {
  const std::string now = iso8601_utc(std::chrono::system_clock::now()).substr(0, 19) + "Z";
  return {
      "User-Agent: aws-sqsd/2.4",
      "Content-Type: application/json",
      std::string(sqsd_header::kMessageId) + ": " + std::string(msgid),
      std::string(sqsd_header::kQueue) + ": ebworker-integration",
      std::string(sqsd_header::kFirstReceivedAt) + ": " + now,
      "X-Aws-Sqsd-Sent-At: " + now,
      std::string(sqsd_header::kReceiveCount) + ": 1",
      std::string(sqsd_header::kAttributePrefix) + std::string(kOriginAttribute) + ": " + std::string(kOriginValue),
  };
}

SqsdMessage unsigned_message(std::string body) {
  SqsdMessage m;
  m.msgid = uuid_v4();
  m.body = std::move(body);
  m.headers = sqsd_headers(m.msgid);
  return m;
}

SqsdMessage signed_message(std::string body, const Signer& signer) {
  SqsdMessage m = unsigned_message(std::move(body));
  m.headers.push_back(digest_header(signer.sign(m.body)));
  return m;
}

std::string envelope_json(std::string_view job_class, std::string_view arguments_json) {
  auto envelope = Envelope::make(std::string(job_class), arguments_json, "ebworker-integration");
  if (!envelope) throw std::runtime_error("bad test arguments: " + envelope.error().message);
  return envelope->to_json();
}

SqsdMessage job_message(std::string_view job_class, std::string_view arguments_json, const Signer& signer) {
  return signed_message(envelope_json(job_class, arguments_json), signer);
}

SqsdMessage job_message_with_digest(std::string_view job_class, std::string_view arguments_json,
                                    std::string_view digest) {
  SqsdMessage m = unsigned_message(envelope_json(job_class, arguments_json));
  m.headers.push_back(digest_header(digest));
  return m;
}

SqsdMessage periodic_message(std::string_view task_name) {
  SqsdMessage m = unsigned_message("");
  m.headers.push_back(std::string(sqsd_header::kTaskName) + ": " + std::string(task_name));
  m.headers.push_back(std::string(sqsd_header::kScheduledAt) + ": " +
                      iso8601_utc(std::chrono::system_clock::now()).substr(0, 19) + "Z");
  m.headers.push_back("X-Aws-Sqsd-Path: /periodic_tasks");
  return m;
}

}  // namespace ebworker::testing
