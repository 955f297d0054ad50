#include <ebworker/worker/middleware/verify_signature.h>

#include <string>

#include "envelope/signer.h"

namespace ebworker {

VerifySignature::VerifySignature(Signer signer) : signer_(std::make_shared<const Signer>(std::move(signer))) {}

Response VerifySignature::call(Request& request, const Next& next) const {
  if (!request.task_name().empty()) return next(request);
  const std::string digest_header = std::string(sqsd_header::kAttributePrefix) + std::string(kDigestAttribute);
  const std::string* digest = request.headers.find(digest_header);
  if (!digest) return Response::refuse(403, "message is not signed: no message-digest attribute");
  if (!signer_->verify(request.body, *digest))
    return Response::refuse(403, "message-digest does not match the body (wrong key, or the body was altered)");
  return next(request);
}

}  // namespace ebworker
