#pragma once
// How many connections the worker keeps open at most. Each takes a file descriptor, and pistache
// 0.0.5's listener retries a failing accept() at once, forever: at RLIMIT_NOFILE an accept
// failing with EMFILE kept a core busy and every new connection (the health probe's too) waiting.
// So the cap leaves descriptors in reserve below the limit (for the handlers' own files and sockets,
// the logs, pistache's timers), and accept() never meets EMFILE because of connections.

#include <cstddef>
#include <string>

namespace ebworker {

struct ConnectionCap {
  std::size_t connections;  // the cap in force
  std::size_t fd_limit;     // RLIMIT_NOFILE's soft limit, after raising it
  // Set when the cap is below the configured one because of the descriptor limit: says why.
  std::string lowered_because;
};

// Raises RLIMIT_NOFILE's soft limit to its hard one (at most 65,536), then returns the smaller of
// `configured` and the soft limit less a reserve of a quarter of it (at least 64).
ConnectionCap connection_cap(std::size_t configured);

}  // namespace ebworker
