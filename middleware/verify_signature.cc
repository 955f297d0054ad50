#include <ebworker/worker/middleware/verify_signature.h>

#include <algorithm>
#include <optional>
#include <string>

#include "core/json.h"
#include "envelope/active_job_body.h"
#include "envelope/signer.h"
#include "worker/incoming_format.h"

namespace ebworker {

struct VerifySignature::Keys {
  Signer sha256;
  std::optional<Signer> sha1;  // when active_elastic_job is accepted
  AcceptedFormats accepted;
};

VerifySignature::VerifySignature(std::shared_ptr<const Keys> keys) : keys_(std::move(keys)) {}

Result<VerifySignature> VerifySignature::with_keys(std::string secret, std::vector<std::string> previous,
                                                   AcceptedFormats accepted) {
  if (accepted.active_job && accepted.unsigned_jobs.empty())
    return fail("active_job is accepted, but no job class may run unsigned (EBWORKER_UNSIGNED_JOBS is empty)");
  const SigningKeys keys{.current = secret, .previous = previous};
  auto sha256 = Signer::create(HmacDigest::sha256, keys);
  if (!sha256) return Unexpected{sha256.error()};
  std::optional<Signer> sha1;
  if (accepted.active_elastic_job) {
    auto made = Signer::create(HmacDigest::sha1, keys);
    if (!made) return Unexpected{made.error()};
    sha1 = std::move(made).value();
  }
  return VerifySignature(std::make_shared<const Keys>(
      Keys{std::move(sha256).value(), std::move(sha1), std::move(accepted)}));
}

namespace {

// The job_class of an unsigned body, or "" when it names none.
std::string unsigned_job_class(const std::string& body) {
  auto doc = parse_json(body, kActiveJobBodyDepth);
  if (!doc || !doc->IsObject()) return "";
  const auto job_class = json_string(*doc, "job_class");
  return job_class ? std::string(*job_class) : "";
}

}  // namespace

Response VerifySignature::call(Request& request, const Next& next) const {
  const AcceptedFormats& accepted = keys_->accepted;
  const std::string digest_header = std::string(sqsd_header::kAttributePrefix) + std::string(kDigestAttribute);
  const std::string* digest = request.headers.find(digest_header);
  switch (incoming_format(request)) {
    case MessageFormat::ebworker:
      if (!accepted.ebworker) return Response::refuse(403, "ebworker's own messages are not accepted (EBWORKER_ACCEPT)");
      if (!keys_->sha256.verify(request.body, *digest))
        return Response::refuse(403, "message-digest does not match the body (wrong key, or the body was altered)");
      return next(request);
    case MessageFormat::active_elastic_job:
      if (!keys_->sha1)
        return Response::refuse(403, "an active_elastic_job message (origin AEJ), and EBWORKER_ACCEPT does not name "
                                     "active_elastic_job");
      if (!digest) return Response::refuse(403, "an active_elastic_job message with no message-digest attribute");
      if (!keys_->sha1->verify(request.body, *digest))
        return Response::refuse(403, "message-digest (HMAC-SHA1, active_elastic_job) does not match the body (wrong "
                                     "key, or the body was altered)");
      return next(request);
    case MessageFormat::active_job:
      break;
  }
  if (!accepted.active_job) return Response::refuse(403, "message is not signed: no message-digest attribute");
  const std::string job_class = unsigned_job_class(request.body);
  const auto& allowed = accepted.unsigned_jobs;
  if (job_class.empty() || std::find(allowed.begin(), allowed.end(), job_class) == allowed.end())
    return Response::refuse(403, "message is not signed, and its job_class " +
                                     (job_class.empty() ? std::string("(none)") : job_class) +
                                     " is not one of EBWORKER_UNSIGNED_JOBS");
  return next(request);
}

}  // namespace ebworker
