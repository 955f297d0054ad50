#pragma once
// What the worker knows of one open connection, kept with pistache's peer: the request gate that
// reads its bytes first, how many answers it is owed, when it was last active. Its end (when
// pistache drops the peer) gives the connection's place back under the cap, and logs the 408
// pistache 0.0.5 writes by itself to a request that did not arrive in time.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "http/request_gate.h"
#include "http/server_observer.h"

namespace ebworker {

// Shared by the connections of one I/O thread: the count of those open.
struct ConnectionCount {
  std::atomic<std::size_t> open{0};
  std::chrono::seconds read_timeout{60};
  std::shared_ptr<ServerObserver> observer;
};

struct Connection {
  Connection(std::shared_ptr<ConnectionCount> count, RequestLimits limits, std::string peer_address);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Idle: no request partly received, none being answered, not already closing.
  bool idle() const { return gate.between_requests() && answers_owed.load() == 0 && !closed; }
  // The worker shuts the connection down: from now on it no longer counts under the cap (pistache
  // drops the peer a little later, once it reads the end).
  void close_by_worker();

  std::shared_ptr<ConnectionCount> count;
  std::string peer_address;
  RequestGate gate;
  std::atomic<int> answers_owed{0};
  std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
  bool closed = false;  // shut down by the worker (refused, or closed to make room)
};

}  // namespace ebworker
