#pragma once
// A real HTTP server on 127.0.0.1 whose answers a test scripts: a capture endpoint, a
// misbehaving SQS, a metadata service. Built on ebworker's own server, with no middleware.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "http/server.h"

namespace ebworker::testing {

// What arrived, kept for the test to inspect.
struct CapturedRequest {
  std::string method;
  std::string path;
  Headers headers;
  std::string body;
};

class FakeHttpServer {
 public:
  // Called on a server thread for each request; may block to simulate a slow server.
  using Script = std::function<Response(const Request&)>;

  explicit FakeHttpServer(Script script, std::size_t threads = 8);
  ~FakeHttpServer();

  std::string url() const;  // "http://127.0.0.1:PORT"
  std::uint16_t port() const { return server_.port(); }

  // Every request received so far, in arrival order.
  std::vector<CapturedRequest> requests() const;
  // Waits until at least `n` requests arrived; false on timeout.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  Response handle(Request& request);

  Script script_;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<CapturedRequest> requests_;
  Server server_;
};

}  // namespace ebworker::testing
