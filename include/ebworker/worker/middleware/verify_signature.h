#pragma once

#include <memory>

#include <ebworker/worker/middleware.h>

namespace ebworker {

class Signer;

// A message must carry a message-digest attribute (header X-Aws-Sqsd-Attr-message-digest) that
// is the HMAC of the exact body under SECRET_KEY_BASE or a previous key, else 403. Checked before
// the body is parsed, so unauthenticated input never reaches the JSON parser. A periodic task
// (X-Aws-Sqsd-Taskname) cannot be signed, since the daemon posts it empty: it passes, and the
// dispatcher runs it only when cron.yaml declares that task at that path.
class VerifySignature : public Middleware {
 public:
  explicit VerifySignature(Signer signer);
  Response call(Request& request, const Next& next) const override;

 private:
  std::shared_ptr<const Signer> signer_;
};

}  // namespace ebworker
