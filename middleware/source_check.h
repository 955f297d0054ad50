#pragma once

#include <vector>

#include "http/ip_range.h"
#include "http/middleware.h"

namespace ebworker {

// Only the local daemon may post jobs: the socket's peer must be loopback or in a range trusted
// by configuration (EBWORKER_TRUSTED_SOURCES). Headers such as X-Forwarded-For are written by
// the client and are never consulted.
class SourceCheck : public Middleware {
 public:
  explicit SourceCheck(std::vector<IpRange> trusted = {}) : trusted_(std::move(trusted)) {}
  Response call(Request& request, const Next& next) const override;

  bool allows(std::string_view peer_address) const;

 private:
  std::vector<IpRange> trusted_;
};

}  // namespace ebworker
