#include "dlq/dead_letter_summary.h"

#include <charconv>
#include <chrono>

#include "core/iso_time.h"
#include "core/json.h"
#include "worker/retry_hops.h"

namespace ebworker {

namespace {

std::string system_attribute(const ReceivedMessage& m, const std::string& name) {
  const auto it = m.attributes.find(name);
  return it == m.attributes.end() ? "" : it->second;
}

}  // namespace

std::string_view to_string(SignatureCheck check) {
  switch (check) {
    case SignatureCheck::valid: return "valid";
    case SignatureCheck::invalid: return "invalid";
    case SignatureCheck::unsigned_: return "unsigned";
    case SignatureCheck::no_key: return "no-key";
  }
  return "?";
}

std::string iso_of_epoch_millis(std::string_view millis) {
  long long n = 0;
  const auto [end, ec] = std::from_chars(millis.data(), millis.data() + millis.size(), n);
  // Only the years a time on the wire may name: beyond them system_clock's nanoseconds overflow.
  using namespace std::chrono;
  constexpr auto kEnd = sys_days(year(kMaxIsoYear + 1) / 1 / 1);
  if (ec != std::errc() || end != millis.data() + millis.size() || n < 0 ||
      n >= duration_cast<milliseconds>(kEnd.time_since_epoch()).count())
    return "";
  return iso8601_utc(system_clock::time_point(milliseconds(n)));
}

DeadLetterSummary summarize(const ReceivedMessage& message, const Signer* signer) {
  DeadLetterSummary s;
  s.message_id = message.message_id;
  if (auto body = parse_json(message.body); body && body->IsObject()) {
    if (auto v = json_string(*body, "job_class")) s.job_class = std::string(*v);
    if (auto v = json_string(*body, "job_id")) s.job_id = std::string(*v);
  }
  const MessageAttribute* attempts = message.attribute(kAttemptsAttribute);
  s.attempts = attempts ? attempts->value : system_attribute(message, "ApproximateReceiveCount");
  s.first_failure = iso_of_epoch_millis(system_attribute(message, "ApproximateFirstReceiveTimestamp"));
  s.last_failure = iso_of_epoch_millis(system_attribute(message, "SentTimestamp"));
  if (const MessageAttribute* why = message.attribute(kFailureAttribute)) s.reason = why->value;
  const MessageAttribute* digest = message.attribute(kDigestAttribute);
  if (!digest)
    s.signature = SignatureCheck::unsigned_;
  else if (!signer)
    s.signature = SignatureCheck::no_key;
  else
    s.signature = signer->verify(message.body, digest->value) ? SignatureCheck::valid : SignatureCheck::invalid;
  return s;
}

}  // namespace ebworker
