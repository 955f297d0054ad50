#include "http/connection_cap.h"

#include <sys/resource.h>

#include <algorithm>

namespace ebworker {

namespace {

constexpr rlim_t kRaiseSoftLimitTo = 65536;
constexpr std::size_t kMinReserve = 64;

}  // namespace

ConnectionCap connection_cap(std::size_t configured) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {configured, 0, {}};
  const rlim_t wanted = std::min(limit.rlim_max, kRaiseSoftLimitTo);
  if (limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = wanted;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return {configured, 0, {}};
  const auto fds = static_cast<std::size_t>(limit.rlim_cur);
  const std::size_t reserve = std::max(kMinReserve, fds / 4);
  const std::size_t room = fds > reserve ? fds - reserve : 1;
  if (configured <= room) return {configured, fds, {}};
  return {room, fds,
          "RLIMIT_NOFILE is " + std::to_string(fds) + " and " + std::to_string(reserve) +
              " descriptors stay in reserve"};
}

}  // namespace ebworker
