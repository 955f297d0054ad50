// Server::run_local, what a worker polling its own queue runs each message with: the request goes
// through the same stack on the same bounded pool as one that came over HTTP, so the two share
// the handler threads. With every thread busy a local request gets the HTTP path's busy 503
// (Retry-After: 1) and an HTTP request the same for a thread a local one holds; once the server
// stops accepting a local request gets 503 "shutting down"; drain() waits for local requests.

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <string>

#include <ebworker/worker/stack.h>

#include "http/server.h"
#include "net/http_client.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;

// An app whose requests wait until open() is called; arrived() tells when one is waiting.
class Gate {
 public:
  Response pass(Request& request) {
    std::unique_lock lock(mutex_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    return Response::ok("ran " + request.path + "\n");
  }
  bool wait_for_arrival(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return waiting_ > 0; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

Response run(Server& server, Request request) {
  std::promise<Response> answered;
  auto answer = answered.get_future();
  server.run_local(std::move(request), [&answered](const Response& r) { answered.set_value(r); });
  return answer.get();
}

Request post(std::string path) {
  Request request;
  request.method = "POST";
  request.path = std::move(path);
  request.peer_address = "127.0.0.1";
  return request;
}

TEST(LocalRequests, ShareTheHandlerThreadsWithHttpAndAreDrained) {
  Gate gate;
  Server server(ServerOptions{.port = 0, .handler_threads = 1, .busy_reason = "busy here"}, Stack{},
                [&gate](Request& r) { return gate.pass(r); });
  ASSERT_TRUE(server.start());

  std::promise<Response> first_answer;
  auto first = first_answer.get_future();
  server.run_local(post("/first"), [&first_answer](const Response& r) { first_answer.set_value(r); });
  ASSERT_TRUE(gate.wait_for_arrival(5s));

  // The one thread is the local request's: another local one, and one over HTTP, are refused.
  const Response busy = run(server, post("/second"));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.reason, "busy here");
  EXPECT_EQ(busy.headers.get("Retry-After"), "1");
  HttpClient http;
  HttpRequest over_http;
  over_http.method = "POST";
  over_http.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/third";
  over_http.direct = true;
  const auto refused = http.perform(over_http);
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->headers.get("Retry-After"), "1");

  // Draining waits for the local request, which then answers as its app said.
  auto drained = std::async(std::launch::async, [&server] { return server.drain(10s); });
  EXPECT_EQ(drained.wait_for(300ms), std::future_status::timeout) << "drain() did not wait for the local request";
  gate.open();
  ASSERT_EQ(first.wait_for(5s), std::future_status::ready);
  const Response answered = first.get();
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.body, "ran /first\n");
  EXPECT_TRUE(drained.get());

  // Once the server no longer accepts, a local request is refused as an HTTP one is.
  const Response stopping = run(server, post("/late"));
  EXPECT_EQ(stopping.status, 503);
  EXPECT_EQ(stopping.reason, "shutting down");
  server.stop();
}

}  // namespace
}  // namespace ebworker
