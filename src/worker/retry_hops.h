#pragma once
// What the worker sends to SQS itself when a job's retry policy (RetryOptions) takes over from
// the daemon: the next attempt of a failed message, a newly signed copy of its envelope with
// `executions` counted up and a delay, to the worker's own queue (a hop), in the format the
// message came in (a Rails job stays one a Rails worker on the queue can run); and, once attempts
// are spent, the message itself to the dead-letter queue with attributes saying why. Both go
// through the SQS client (MD5s checked): the worker answers 200 only once SQS holds the copy,
// so a failed send leaves the original to come back, never lost.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/client/client.h>
#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/request.h>

#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "sqs/sqs_client.h"

namespace ebworker {

// The message attributes a dead-lettered message carries besides its own.
inline constexpr std::string_view kFailureAttribute = "ebworker-failure";
inline constexpr std::string_view kAttemptsAttribute = "ebworker-attempts";
// When a message naming a job class no worker here registers first arrived (ISO 8601 UTC): its
// hops carry it, so the grace counts from then however often it is sent on.
inline constexpr std::string_view kUnknownSinceAttribute = "ebworker-unknown-since";

// The delay before the attempt after `failed_attempt` (1-based): the ceiling doubles from
// base_delay up to max_delay (and SQS's 900 s), and the delay is drawn uniformly from its upper
// half, so retries of many messages failing together spread out. `random` is in [0, 1).
std::chrono::seconds retry_delay(const RetryOptions& policy, int failed_attempt, double random);

// What a policy does with a failed run: another attempt, or the dead-letter queue because its
// attempts are spent or because it is not a failure the policy retries (a throw with
// retry_exceptions false; one retry_if answers false for).
enum class RetryVerdict { retry, attempts_spent, not_retried };
RetryVerdict retry_verdict(const RetryOptions& policy, int failed_attempt, const FailedRun& failure);

class RetryHops {
 public:
  // Sends to the queue `config` names (EBWORKER_QUEUE_URL), signed by `signer`; an empty
  // dead-letter URL means none. `aej_signer` (HMAC-SHA1) signs the hops of active_elastic_job
  // messages; without it they cannot be sent.
  RetryHops(ClientConfig config, Signer signer, std::string dead_letter_queue_url,
            std::optional<Signer> aej_signer = std::nullopt);

  bool has_dead_letter_queue() const { return !dead_letter_queue_url_.empty(); }
  // The longest delay one hop carries (EBWORKER_MAX_HOP_DELAY, at most SQS's 900 s).
  std::chrono::seconds max_hop_delay() const { return config_.max_hop_delay; }

  // `next` is the envelope to send (its executions already counted up); `extra` attributes go
  // with it.
  Status send_next_attempt(const Envelope& next, std::chrono::seconds delay,
                           std::vector<MessageAttribute> extra = {}) const;
  // The original body and its attributes (from the daemon's X-Aws-Sqsd-Attr-* headers), plus
  // why and after how many attempts.
  Status dead_letter(const Request& original, std::string_view reason, int attempts) const;

 private:
  ClientConfig config_;
  SqsClient sqs_;
  Signer signer_;
  std::string dead_letter_queue_url_;
  std::optional<Signer> aej_signer_;
};

}  // namespace ebworker
