#pragma once

#include <memory>
#include <string>
#include <vector>

#include <ebworker/result.h>
#include <ebworker/worker/middleware.h>

namespace ebworker {

// The message formats a worker runs besides none (EBWORKER_ACCEPT, docs/rails.md).
struct AcceptedFormats {
  bool ebworker = true;             // ebworker's own: HMAC-SHA256 under the secret
  bool active_elastic_job = false;  // Rails' active_elastic_job: HMAC-SHA1 under the same secret
  bool active_job = false;          // unsigned ActiveJob (aws-sdk-rails, aws-activejob-sqs) ...
  std::vector<std::string> unsigned_jobs{};  // ... and only for these job classes
};

// A message must carry a message-digest attribute (header X-Aws-Sqsd-Attr-message-digest) that
// is the HMAC of the exact body under the secret (SECRET_KEY_BASE) or a previous one, else 403:
// SHA-256 for ebworker's own messages, SHA-1 for those whose origin attribute is "AEJ" (when
// active_elastic_job is accepted). A message in a format not accepted is refused 403. An unsigned
// message is run only when active_job is accepted and the body's job_class is one of
// unsigned_jobs. Checked before the body is parsed (but for an unsigned message's job_class),
// so unauthenticated input never reaches the job's arguments.
// Every request that reaches it is checked: periodic tasks, which nobody can sign, are answered
// before it (PeriodicTasks).
class VerifySignature : public Middleware {
 public:
  // Keys shorter than 32 bytes are refused, as is active_job with no unsigned_jobs.
  static Result<VerifySignature> with_keys(std::string secret, std::vector<std::string> previous = {},
                                           AcceptedFormats accepted = {});
  Response call(Request& request, const Next& next) const override;

 private:
  struct Keys;  // their HMAC key schedules, shared by copies
  explicit VerifySignature(std::shared_ptr<const Keys> keys);
  std::shared_ptr<const Keys> keys_;
};

}  // namespace ebworker
