// AsyncHttpClient against a real HTTP server on 127.0.0.1: many requests in flight at once on
// its one thread, each answered with its own reply; refused connections, timeouts and oversized
// answers as errors, as HttpClient reports them; a kept-alive connection serves later requests;
// the destructor waits for the requests in flight.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "net/async_http_client.h"
#include "support/closed_port.h"
#include "support/fake_http_server.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;
using testing::FakeHttpServer;
using Reply = Result<HttpReply, TransportError>;

// The replies, by the tag each request was started with.
class Replies {
 public:
  AsyncHttpClient::Done expect(int tag) {
    return [this, tag](Reply reply) {
      std::lock_guard lock(mutex_);
      replies_.emplace(tag, std::move(reply));
      arrived_.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return replies_.size() >= n; });
  }
  std::map<int, Reply> all() {
    std::lock_guard lock(mutex_);
    return replies_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::map<int, Reply> replies_;
};

HttpRequest post_to(const std::string& url, std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = std::move(body);
  request.direct = true;
  return request;
}

TEST(AsyncHttpClient, ManyRequestsInFlightEachGetTheirOwnAnswer) {
  // Each answer waits until 16 requests are in the server at once: only a client that really
  // has them all in flight together gets any answer.
  std::mutex mutex;
  std::condition_variable all_in;
  int inside = 0;
  FakeHttpServer server(
      [&](const Request& request) {
        std::unique_lock lock(mutex);
        ++inside;
        all_in.notify_all();
        all_in.wait_for(lock, 10s, [&] { return inside >= 16; });
        Response response;
        response.status = 200;
        response.body = "echo:" + request.body;
        response.headers.add("X-Seen", request.body);
        return response;
      },
      16);
  Replies replies;
  {
    AsyncHttpClient client;
    for (int i = 0; i < 16; ++i) client.start(post_to(server.url() + "/", std::to_string(i)), replies.expect(i));
    ASSERT_TRUE(replies.wait_for(16, 20s));
  }
  const auto all = replies.all();
  for (int i = 0; i < 16; ++i) {
    const Reply& reply = all.at(i);
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "echo:" + std::to_string(i));
    ASSERT_NE(reply->headers.find("X-Seen"), nullptr);
    EXPECT_EQ(*reply->headers.find("X-Seen"), std::to_string(i));
  }
}

TEST(AsyncHttpClient, AKeptAliveConnectionServesTheNextRequests) {
  FakeHttpServer server([](const Request&) { return Response{}; });
  AsyncHttpClient client;
  Replies replies;
  for (int i = 0; i < 5; ++i) {  // one after another: each answer before the next start
    client.start(post_to(server.url() + "/", "x"), replies.expect(i));
    ASSERT_TRUE(replies.wait_for(static_cast<std::size_t>(i) + 1, 10s));
  }
  const auto all = replies.all();
  ASSERT_TRUE(all.at(0));
  EXPECT_EQ(all.at(0)->new_connections, 1);
  for (int i = 1; i < 5; ++i) {
    ASSERT_TRUE(all.at(i)) << all.at(i).error().message;
    EXPECT_EQ(all.at(i)->new_connections, 0) << "request " << i << " opened a new connection";
  }
}

TEST(AsyncHttpClient, RefusedTimedOutAndOversizedAreErrorsWhileOthersAreAnswered) {
  std::atomic<bool> release_slow{false};
  FakeHttpServer server([&](const Request& request) {
    Response response;
    if (request.path == "/slow") {
      const auto until = std::chrono::steady_clock::now() + 10s;
      while (!release_slow && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
    }
    if (request.path == "/large") response.body = std::string(4096, 'x');
    return response;
  });
  AsyncHttpClient client;
  Replies replies;
  client.start(post_to("http://127.0.0.1:" + std::to_string(testing::closed_port()) + "/", "x"), replies.expect(0));
  HttpRequest slow = post_to(server.url() + "/slow", "x");
  slow.timeout = 300ms;
  client.start(std::move(slow), replies.expect(1));
  HttpRequest large = post_to(server.url() + "/large", "x");
  large.max_reply_body = 1024;
  client.start(std::move(large), replies.expect(2));
  client.start(post_to(server.url() + "/", "x"), replies.expect(3));
  ASSERT_TRUE(replies.wait_for(4, 20s));
  release_slow = true;
  const auto all = replies.all();
  ASSERT_FALSE(all.at(0));
  EXPECT_TRUE(all.at(0).error().not_connected) << all.at(0).error().message;
  ASSERT_FALSE(all.at(1));
  EXPECT_TRUE(all.at(1).error().timed_out) << all.at(1).error().message;
  ASSERT_FALSE(all.at(2));
  EXPECT_NE(all.at(2).error().message.find("over 1024 bytes"), std::string::npos) << all.at(2).error().message;
  ASSERT_TRUE(all.at(3)) << all.at(3).error().message;
  EXPECT_EQ(all.at(3)->status, 200);
}

TEST(AsyncHttpClient, TheDestructorWaitsForTheRequestsInFlight) {
  std::atomic<bool> answering{false};
  FakeHttpServer server([&](const Request&) {
    answering = true;
    std::this_thread::sleep_for(300ms);  // the slow server under test, not a synchronisation
    Response response;
    response.body = "late";
    return response;
  });
  Replies replies;
  {
    AsyncHttpClient client;
    client.start(post_to(server.url() + "/", "x"), replies.expect(0));
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!answering && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(answering);
  }  // the server is still answering here
  const auto all = replies.all();
  ASSERT_EQ(all.size(), 1u) << "the destructor returned before the request ended";
  ASSERT_TRUE(all.at(0)) << all.at(0).error().message;
  EXPECT_EQ(all.at(0)->body, "late");
}

}  // namespace
}  // namespace ebworker
