#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/result.h>
#include <ebworker/worker/middleware.h>

namespace ebworker {

// Only the local daemon may post jobs: the socket's peer must be loopback or in a range trusted
// by configuration (EBWORKER_TRUSTED_SOURCES). Headers such as X-Forwarded-For are written by
// the client and are never consulted. 403 otherwise.
class SourceCheck : public Middleware {
 public:
  SourceCheck();  // loopback only
  // Loopback and these ranges: "10.0.0.0/8", "172.17.0.1", "fd00::/8" (a bare address is one
  // host). The error names the first that is not an address or a range.
  static Result<SourceCheck> trusting(const std::vector<std::string>& ranges);

  Response call(Request& request, const Next& next) const override;
  bool allows(std::string_view peer_address) const;

 private:
  struct Trusted;  // the parsed ranges, shared by copies
  explicit SourceCheck(std::shared_ptr<const Trusted> trusted);
  std::shared_ptr<const Trusted> trusted_;
};

}  // namespace ebworker
