#include "middleware/verify_signature.h"

#include <string>

namespace ebworker {

Response VerifySignature::call(Request& request, const Next& next) const {
  const std::string digest_header = std::string(sqsd_header::kAttributePrefix) + std::string(kDigestAttribute);
  const std::string* digest = request.headers.find(digest_header);
  if (!digest) return Response::refuse(403, "message is not signed: no message-digest attribute");
  if (!signer_.verify(request.body, *digest))
    return Response::refuse(403, "message-digest does not match the body (wrong key, or the body was altered)");
  return next(request);
}

}  // namespace ebworker
