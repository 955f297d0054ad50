#include <ebworker/worker/middleware/verify_signature.h>

#include <string>

#include "envelope/signer.h"

namespace ebworker {

struct VerifySignature::Keys {
  Signer signer;
};

VerifySignature::VerifySignature(std::shared_ptr<const Keys> keys) : keys_(std::move(keys)) {}

Result<VerifySignature> VerifySignature::with_keys(std::string secret, std::vector<std::string> previous) {
  auto signer = Signer::create(std::move(secret), std::move(previous));
  if (!signer) return Unexpected{signer.error()};
  return VerifySignature(std::make_shared<const Keys>(Keys{std::move(signer).value()}));
}

Response VerifySignature::call(Request& request, const Next& next) const {
  const std::string digest_header = std::string(sqsd_header::kAttributePrefix) + std::string(kDigestAttribute);
  const std::string* digest = request.headers.find(digest_header);
  if (!digest) return Response::refuse(403, "message is not signed: no message-digest attribute");
  if (!keys_->signer.verify(request.body, *digest))
    return Response::refuse(403, "message-digest does not match the body (wrong key, or the body was altered)");
  return next(request);
}

}  // namespace ebworker
