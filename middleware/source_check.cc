#include <ebworker/worker/middleware/source_check.h>

#include <algorithm>

#include "http/ip_range.h"

namespace ebworker {

struct SourceCheck::Trusted {
  std::vector<IpRange> ranges;
};

SourceCheck::SourceCheck() : SourceCheck(std::make_shared<const Trusted>()) {}

SourceCheck::SourceCheck(std::shared_ptr<const Trusted> trusted) : trusted_(std::move(trusted)) {}

Result<SourceCheck> SourceCheck::trusting(const std::vector<std::string>& ranges) {
  Trusted trusted;
  for (const auto& text : ranges) {
    auto range = IpRange::parse(text);
    if (!range) return Unexpected{range.error()};
    trusted.ranges.push_back(std::move(range).value());
  }
  return SourceCheck(std::make_shared<const Trusted>(std::move(trusted)));
}

bool SourceCheck::allows(std::string_view peer_address) const {
  const auto ip = parse_ip(peer_address);
  if (!ip) return false;
  return is_loopback(*ip) || std::any_of(trusted_->ranges.begin(), trusted_->ranges.end(),
                                         [&](const IpRange& r) { return r.contains(*ip); });
}

Response SourceCheck::call(Request& request, const Next& next) const {
  if (!allows(request.peer_address))
    return Response::refuse(403, "source " + request.peer_address +
                                     " is not loopback and not in EBWORKER_TRUSTED_SOURCES");
  return next(request);
}

}  // namespace ebworker
