#pragma once

#include <memory>
#include <string>
#include <vector>

#include <ebworker/result.h>
#include <ebworker/worker/middleware.h>

namespace ebworker {

// A message must carry a message-digest attribute (header X-Aws-Sqsd-Attr-message-digest) that
// is the HMAC-SHA256 of the exact body under the secret (SECRET_KEY_BASE) or a previous one, else
// 403. Checked before the body is parsed, so unauthenticated input never reaches the JSON parser.
// Every request that reaches it is checked: periodic tasks, which nobody can sign, are answered
// before it (PeriodicTasks).
class VerifySignature : public Middleware {
 public:
  // Keys shorter than 32 bytes are refused.
  static Result<VerifySignature> with_keys(std::string secret, std::vector<std::string> previous = {});
  Response call(Request& request, const Next& next) const override;

 private:
  struct Keys;  // their HMAC key schedules, shared by copies
  explicit VerifySignature(std::shared_ptr<const Keys> keys);
  std::shared_ptr<const Keys> keys_;
};

}  // namespace ebworker
