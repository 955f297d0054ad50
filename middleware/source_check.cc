#include <ebworker/worker/middleware/source_check.h>

#include <algorithm>

#include "http/ip_range.h"

namespace ebworker {

SourceCheck::SourceCheck() : SourceCheck(std::vector<IpRange>{}) {}

SourceCheck::SourceCheck(std::vector<IpRange> trusted)
    : trusted_(std::make_shared<const std::vector<IpRange>>(std::move(trusted))) {}

bool SourceCheck::allows(std::string_view peer_address) const {
  const auto ip = parse_ip(peer_address);
  if (!ip) return false;
  return is_loopback(*ip) ||
         std::any_of(trusted_->begin(), trusted_->end(), [&](const IpRange& r) { return r.contains(*ip); });
}

Response SourceCheck::call(Request& request, const Next& next) const {
  if (!allows(request.peer_address))
    return Response::refuse(403, "source " + request.peer_address +
                                     " is not loopback and not in EBWORKER_TRUSTED_SOURCES");
  return next(request);
}

}  // namespace ebworker
