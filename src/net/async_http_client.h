#pragma once
// Many HTTP requests in flight on one thread, over libcurl's multi interface: what the daemon
// posts its messages with. A thread per request would sleep and wake once for each (and libcurl's
// own poll loop once more); here one loop waits on every socket at once, so a busy daemon handles
// the answers that arrived together in one wake-up. Connections are kept alive and reused.
//
// `done` runs on the loop's thread, once per request: it must be quick and must not block, or
// every other request waits for it. The destructor waits for the requests in flight (each is
// bounded by its timeout); one started after it began gets a TransportError.

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "net/http_client.h"

namespace ebworker {

class AsyncHttpClient {
 public:
  using Done = std::function<void(Result<HttpReply, TransportError>)>;

  AsyncHttpClient();
  ~AsyncHttpClient();
  AsyncHttpClient(const AsyncHttpClient&) = delete;
  AsyncHttpClient& operator=(const AsyncHttpClient&) = delete;

  // Starts the request; thread-safe.
  void start(HttpRequest request, Done done);

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
};

}  // namespace ebworker
