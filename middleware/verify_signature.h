#pragma once

#include "envelope/signer.h"
#include "http/middleware.h"

namespace ebworker {

// The message must carry a message-digest attribute (header X-Aws-Sqsd-Attr-message-digest)
// that is the HMAC of the exact body under SECRET_KEY_BASE or a previous key. Checked before the
// body is parsed, so unauthenticated input never reaches the JSON parser.
class VerifySignature : public Middleware {
 public:
  explicit VerifySignature(Signer signer) : signer_(std::move(signer)) {}
  Response call(Request& request, const Next& next) const override;

 private:
  Signer signer_;
};

}  // namespace ebworker
