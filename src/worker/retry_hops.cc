#include "worker/retry_hops.h"

#include <algorithm>
#include <cmath>

#include "core/limits.h"
#include "core/text.h"
#include "envelope/active_job_body.h"
#include "sqs/message_checks.h"
#include "client/client_settings.h"
#include "sqs/sqs_client.h"

namespace ebworker {

std::chrono::seconds retry_delay(const RetryOptions& policy, int failed_attempt, double random) {
  const double cap = static_cast<double>(std::min<long long>(policy.max_delay.count(), kMaxDelaySeconds));
  const double ceiling =
      std::min(cap, static_cast<double>(policy.base_delay.count()) * std::pow(2.0, std::max(0, failed_attempt - 1)));
  const double drawn = ceiling / 2 + random * (ceiling / 2);
  return std::chrono::seconds(static_cast<long long>(std::clamp(std::ceil(drawn), 0.0, cap)));
}

RetryVerdict retry_verdict(const RetryOptions& policy, int failed_attempt, const FailedRun& failure) {
  if (failed_attempt >= policy.max_attempts) return RetryVerdict::attempts_spent;
  if (failure.exception && !policy.retry_exceptions) return RetryVerdict::not_retried;
  if (!policy.retry_if) return RetryVerdict::retry;
  // A predicate that throws is the job's bug, not the failure's: it gets the default, a retry.
  try {
    return policy.retry_if(failure) ? RetryVerdict::retry : RetryVerdict::not_retried;
  } catch (...) {
    return RetryVerdict::retry;
  }
}

RetryHops::RetryHops(ClientConfig config, Signer signer, std::string dead_letter_queue_url,
                     std::optional<Signer> aej_signer)
    : config_(std::move(config)),
      sqs_(sqs_client_options(config_)),
      signer_(std::move(signer)),
      dead_letter_queue_url_(std::move(dead_letter_queue_url)),
      aej_signer_(std::move(aej_signer)) {}

Status RetryHops::send_next_attempt(const Envelope& next, std::chrono::seconds delay,
                                    std::vector<MessageAttribute> extra) const {
  OutgoingMessage m;
  switch (next.format) {
    case MessageFormat::ebworker:
      m.body = next.to_json();
      m.attributes = {{std::string(kDigestAttribute), "String", signer_.sign(m.body)},
                      {std::string(kOriginAttribute), "String", std::string(kOriginValue)}};
      break;
    case MessageFormat::active_elastic_job:
      if (!aej_signer_) return fail("no HMAC-SHA1 key to sign an active_elastic_job message with");
      m.body = active_job_json(next);
      m.attributes = {{std::string(kDigestAttribute), "String", aej_signer_->sign(m.body)},
                      {std::string(kOriginAttribute), "String", std::string(kAejOriginValue)}};
      break;
    case MessageFormat::active_job:
      m.body = active_job_json(next);
      m.attributes = {{std::string(kActiveJobClassAttribute), "String", next.job_class},
                      {std::string(kActiveJobVersionAttribute), "String", std::string(kActiveJobVersionValue)}};
      break;
  }
  for (auto& attribute : extra) m.attributes.push_back(std::move(attribute));
  m.delay_seconds = static_cast<int>(std::min<long long>(delay.count(), kMaxDelaySeconds));
  auto sent = sqs_.send_message(config_.queue_url, m);
  if (!sent) return fail(sent.error().describe());
  return {};
}

Status RetryHops::dead_letter(const Request& original, std::string_view reason, int attempts) const {
  OutgoingMessage m;
  m.body = original.body;
  // The message's own attributes, as the daemon forwarded them: its signature stays valid.
  for (const auto& [name, value] : original.headers.fields()) {
    if (!istarts_with(name, sqsd_header::kAttributePrefix)) continue;
    m.attributes.push_back({name.substr(sqsd_header::kAttributePrefix.size()), "String", value});
  }
  std::erase_if(m.attributes, [](const MessageAttribute& a) {
    return a.name == kFailureAttribute || a.name == kAttemptsAttribute;
  });
  m.attributes.push_back({std::string(kFailureAttribute), "String", std::string(reason.substr(0, 1024))});
  m.attributes.push_back({std::string(kAttemptsAttribute), "Number", std::to_string(attempts)});
  auto sent = sqs_.send_message(dead_letter_queue_url_, m);
  if (!sent) return fail(sent.error().describe());
  return {};
}

}  // namespace ebworker
