#pragma once
// How a run of a job ended, and so what becomes of its message:
//   done()               200: the message is deleted
//   fail("why")          500: it comes back after ErrorVisibilityTimeout, and after MaxRetries
//                        receives goes to the dead-letter queue (a throw is the same); unless
//                        the job class has a retry policy (RetryOptions, job_registry.h)
//   retry_in(d, "why")   with the worker's EBWORKER_QUEUE_URL: 200 once the next attempt is in
//                        the queue, due after d. Without it: 503 with Retry-After: d, and
//                        `ebworker sqsd` brings it back after d; aws-sqsd, which reads only the
//                        status, after ErrorVisibilityTimeout
//   discard("why")       200: deleted without a retry, logged as discarded; for input that will
//                        never succeed, so it neither burns MaxRetries nor clutters the
//                        dead-letter queue
// The reason goes into the request's log line.

#include <algorithm>
#include <chrono>
#include <string>

#include <ebworker/result.h>
#include <ebworker/sqs_limits.h>

namespace ebworker {

class [[nodiscard]] JobResult {
 public:
  enum class Kind { done, failed, retry, discarded };

  // `return fail("why");`
  JobResult(Unexpected<Error> failure) : kind_(Kind::failed), reason_(std::move(failure.error.message)) {}

  Kind kind() const { return kind_; }
  const std::string& reason() const { return reason_; }
  std::chrono::seconds delay() const { return delay_; }  // retry only
  // True when the job is done.
  explicit operator bool() const { return kind_ == Kind::done; }

 private:
  JobResult(Kind kind, std::string reason, std::chrono::seconds delay = {})
      : kind_(kind), reason_(std::move(reason)), delay_(delay) {}
  friend JobResult done();
  friend JobResult retry_in(std::chrono::seconds delay, std::string reason);
  friend JobResult discard(std::string reason);

  Kind kind_;
  std::string reason_;
  std::chrono::seconds delay_{0};
};

inline JobResult done() { return JobResult(JobResult::Kind::done, ""); }

// The delay is kept within what SQS can hold a message back for: 0 to 12 hours.
inline JobResult retry_in(std::chrono::seconds delay, std::string reason) {
  return JobResult(JobResult::Kind::retry, std::move(reason),
                   std::clamp(delay, std::chrono::seconds(0), kSqsMaxVisibility));
}

inline JobResult discard(std::string reason) { return JobResult(JobResult::Kind::discarded, std::move(reason)); }

}  // namespace ebworker
