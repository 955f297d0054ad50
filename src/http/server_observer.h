#pragma once
// What the server tells whoever watches it (ServerOptions::observer): each answer's status, a
// handler starting and finishing on the bounded pool, a request refused because every handler
// thread was busy. The server names nothing of what its handlers do: the worker's observer
// (worker/server_metrics.h) says what these mean to it. Each call may come from any I/O or
// handler thread at once, so an observer must be thread-safe; each default does nothing.

namespace ebworker {

class ServerObserver {
 public:
  virtual ~ServerObserver() = default;

  // An answer written (or handed to pistache to write), with its status.
  virtual void answered(int /*status*/) {}
  // A request taken by a handler thread, and that thread free again.
  virtual void handler_started() {}
  virtual void handler_finished() {}
  // A request answered 503 (ServerOptions::busy_reason) because every handler thread was busy.
  virtual void busy() {}
};

}  // namespace ebworker
