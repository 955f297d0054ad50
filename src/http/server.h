#pragma once
// The HTTP listener (pistache). Its I/O threads parse requests and write responses; they never
// run a handler. Each request is handed whole to the bounded pool of handler threads, where the
// middleware stack runs; if no handler thread is free the answer is 503 at once. The few requests
// ServerOptions::answer_inline picks (the worker's metrics, health and status) run the stack on
// the I/O thread instead. A request may also come with no connection at all (run_local).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <ebworker/worker/middleware.h>
#include <ebworker/result.h>
#include <ebworker/worker/stack.h>

#include "core/limits.h"
#include "http/server_observer.h"

namespace ebworker {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 5000;  // 0 picks a free port; see Server::port()
  std::size_t io_threads = 2;
  std::size_t handler_threads = 50;
  std::size_t max_body = kSqsMaxMessageBytes;
  // Connections open at once, at most (lowered below RLIMIT_NOFILE, see http/connection_cap.h),
  // shared evenly between the I/O threads. An I/O thread at its share takes a new connection by
  // closing its own longest idle one (no request partly received, none being answered); when none
  // is idle the new one is answered 503 and closed at once.
  std::size_t max_connections = 1000;
  // A request's line, headers and body must all arrive within read_timeout of its first byte,
  // or it gets 408 and its connection is closed: a client slow to send holds nothing for long.
  std::chrono::seconds read_timeout{60};
  // Once a request is whole its connection counts as idle to pistache 0.0.5 (the only way to
  // stop its read timeouts from cutting off a running handler), so from the request's arrival
  // this bounds the handler's run and, after the answer, the keep-alive wait for the next request.
  std::chrono::seconds connection_timeout = kSqsMaxVisibility;
  // Called once stop_accepting() has refused new requests: the worker asks running handlers to stop.
  std::function<void()> on_stop_accepting{};
  // Requests answered on the I/O thread, without a handler thread, so they are answered even
  // while every handler thread is busy: the worker's metrics, health and status paths. The stack
  // runs there for them, and must answer them at once.
  std::function<bool(const Request&)> answer_inline{};
  // The reason a 503 gives when every handler thread is busy (the worker names its setting).
  std::string busy_reason = "every handler thread is busy";
  // Told of answers, handlers starting and finishing, and busy refusals; optional.
  std::shared_ptr<ServerObserver> observer{};
};

class Server {
 public:
  // Each request runs through `stack`, then `end`, the chain's one end.
  Server(ServerOptions options, Stack stack, App end);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and serves on background threads.
  Status start();
  std::uint16_t port() const;
  // The connection cap in force once started (ServerOptions::max_connections, maybe lowered).
  std::size_t max_connections() const;

  // Runs `request` through the stack on a handler thread as if it had come over HTTP, with no
  // connection (a worker that polls its queue itself: sqsd/local_delivery.h). `answered` gets the
  // response on that thread once its slot is free again; or, on this thread, the 503 an HTTP
  // request gets when every handler thread is busy or the server no longer accepts. The observer
  // and drain() count it as an HTTP request.
  void run_local(Request request, std::function<void(const Response&)> answered);

  // From now on every new request gets 503 ("shutting down").
  void stop_accepting();
  // Graceful stop, first half: every new request gets 503, then waits until every request
  // already taken has its response written, or the timeout passes. True when all finished.
  bool drain(std::chrono::milliseconds timeout);
  // Closes the listener and every connection.
  void stop();

  struct Core;

 private:
  ServerOptions options_;
  std::shared_ptr<Core> core_;
  struct Listener;
  std::unique_ptr<Listener> listener_;
};

}  // namespace ebworker
