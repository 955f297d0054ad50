#include "http/connection.h"

#include <ebworker/worker/response.h>

#include "http/request_log_line.h"

namespace ebworker {

namespace {

// pistache checks its timeouts about once a second, from the connection's first byte; the gate
// saw that byte a little later.
constexpr auto kTimeoutSlack = std::chrono::milliseconds(500);

}  // namespace

Connection::Connection(std::shared_ptr<ConnectionCount> c, RequestLimits limits, std::string peer)
    : count(std::move(c)), peer_address(std::move(peer)), gate(limits) {
  ++count->open;
}

void Connection::close_by_worker() {
  if (closed) return;
  closed = true;
  --count->open;
}

Connection::~Connection() {
  if (closed) return;
  --count->open;
  if (gate.closing() || gate.between_requests()) return;
  // Dropped with a request half received: pistache answered 408 once EBWORKER_READ_TIMEOUT passed
  // (otherwise the client hung up, or the server stopped).
  if (std::chrono::steady_clock::now() - gate.request_started() + kTimeoutSlack < count->read_timeout) return;
  Request request = gate.partial_request();
  request.peer_address = peer_address;
  log_request(request, Response::refuse(408, "request not whole within EBWORKER_READ_TIMEOUT (" +
                                                 std::to_string(count->read_timeout.count()) + " s)"));
  if (count->observer) count->observer->answered(408);
}

}  // namespace ebworker
