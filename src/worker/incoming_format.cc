#include "worker/incoming_format.h"

#include <string>

#include "envelope/signer.h"

namespace ebworker {

MessageFormat incoming_format(const Request& request) {
  const auto attribute = [&](std::string_view name) {
    return request.headers.find(std::string(sqsd_header::kAttributePrefix) + std::string(name));
  };
  if (const std::string* origin = attribute(kOriginAttribute); origin && *origin == kAejOriginValue)
    return MessageFormat::active_elastic_job;
  return attribute(kDigestAttribute) ? MessageFormat::ebworker : MessageFormat::active_job;
}

}  // namespace ebworker
