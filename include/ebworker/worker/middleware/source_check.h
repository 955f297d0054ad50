#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <ebworker/worker/middleware.h>

namespace ebworker {

class IpRange;

// Only the local daemon may post jobs: the socket's peer must be loopback or in a range trusted
// by configuration (EBWORKER_TRUSTED_SOURCES). Headers such as X-Forwarded-For are written by
// the client and are never consulted. 403 otherwise.
class SourceCheck : public Middleware {
 public:
  SourceCheck();  // loopback only
  explicit SourceCheck(std::vector<IpRange> trusted);
  Response call(Request& request, const Next& next) const override;

  bool allows(std::string_view peer_address) const;

 private:
  std::shared_ptr<const std::vector<IpRange>> trusted_;
};

}  // namespace ebworker
