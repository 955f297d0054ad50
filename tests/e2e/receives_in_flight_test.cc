// `ebworker sqsd --receives 3`: three ReceiveMessage calls in flight at once, and none asks for
// more messages than the POST slots nobody holds. A slow queue on loopback (every request
// forwarded to fauxqs, each ReceiveMessage held until three are open or a second passes) and a
// worker that holds every POST until the test lets them go count, at every moment, what the
// daemon has asked for and not yet got (the MaxNumberOfMessages of the receives open) plus the
// POSTs open: never more than --http-connections.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "e2e/support/local_stack.h"
#include "net/http_client.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

constexpr int kReceives = 3;
constexpr int kConnections = 25;  // 10 + 10 + 5: all three receives can be open at once
constexpr int kMessages = 17;     // then 8 slots are left for the next receive

class SlowQueue {
 public:
  explicit SlowQueue(std::string upstream) : upstream_(std::move(upstream)) {}

  Response answer_sqs(const Request& r) {
    const std::string target(r.headers.get("X-Amz-Target"));
    if (!target.ends_with(".ReceiveMessage")) return forward(r);
    rapidjson::Document body;
    body.Parse(r.body.c_str());
    const int asked = body.IsObject() && body.HasMember("MaxNumberOfMessages") && body["MaxNumberOfMessages"].IsInt()
                          ? body["MaxNumberOfMessages"].GetInt()
                          : 1;
    {
      std::unique_lock lock(mutex_);
      ++receives_open_;
      asked_open_ += asked;
      most_receives_open_ = std::max(most_receives_open_, receives_open_);
      asks_.push_back({asked, posts_open_});
      check(lock);
      changed_.notify_all();
      changed_.wait_for(lock, 1s, [&] { return receives_open_ >= kReceives; });
      check(lock);
    }
    Response answer = forward(r);
    std::lock_guard lock(mutex_);
    --receives_open_;
    asked_open_ -= asked;
    changed_.notify_all();
    return answer;
  }

  Response answer_post(const Request&) {
    std::unique_lock lock(mutex_);
    ++posts_open_;
    check(lock);
    changed_.notify_all();
    changed_.wait_for(lock, 20s, [&] { return posts_released_; });
    --posts_open_;
    return Response::ok();
  }

  void release_posts() {
    std::lock_guard lock(mutex_);
    posts_released_ = true;
    changed_.notify_all();
  }
  bool wait_posts_open(int n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return posts_open_ == n; });
  }

  struct Ask {
    int max_messages;
    int posts_open;  // when it arrived
  };
  std::vector<Ask> asks() const {
    std::lock_guard lock(mutex_);
    return asks_;
  }
  int most_receives_open() const {
    std::lock_guard lock(mutex_);
    return most_receives_open_;
  }
  std::string overbooked() const {
    std::lock_guard lock(mutex_);
    return overbooked_;
  }

 private:
  // The daemon's slots, as seen from outside: what the open receives may still bring, plus the
  // POSTs open. The daemon counts each of them longer than this side sees it, so this sum can
  // only be below its own.
  void check(std::unique_lock<std::mutex>&) {
    if (asked_open_ + posts_open_ > kConnections && overbooked_.empty())
      overbooked_ = std::to_string(receives_open_) + " receives open asking " + std::to_string(asked_open_) +
                    " messages while " + std::to_string(posts_open_) + " POSTs were open";
  }

  Response forward(const Request& r) const {
    HttpClient http;
    HttpRequest request;
    request.method = "POST";
    request.url = upstream_;
    request.headers = {"Content-Type: " + std::string(r.headers.get("Content-Type")),
                       "X-Amz-Target: " + std::string(r.headers.get("X-Amz-Target"))};
    request.body = r.body;
    request.direct = true;
    request.timeout = 10s;
    request.max_reply_body = 4 * 1024 * 1024;
    request.sigv4 = SigV4{"us-east-1", "sqs", "AKIDEXAMPLE", "secret", ""};
    auto reply = http.perform(request);
    if (!reply) return Response::refuse(502, reply.error().message);
    Response answer{static_cast<int>(reply->status), reply->body, "", {}, ""};
    answer.headers.add("Content-Type", "application/x-amz-json-1.0");
    return answer;
  }

  std::string upstream_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int receives_open_ = 0, asked_open_ = 0, most_receives_open_ = 0, posts_open_ = 0;
  bool posts_released_ = false;
  std::vector<Ask> asks_;
  std::string overbooked_;
};

class ReceivesInFlight : public LocalStackTest {};

TEST_F(ReceivesInFlight, ThreeAtOnceNeverAskingMoreThanTheFreeSlots) {
  const std::string queue = create_queue("receives");
  std::vector<JobToEnqueue> jobs;
  for (int i = 0; i < kMessages; ++i) jobs.push_back({"EchoJob", "[" + std::to_string(i) + "]", {}});
  for (const auto& sent : client(queue).enqueue_batch(jobs)) ASSERT_TRUE(sent) << sent.error().describe();

  SlowQueue slow(fauxqs_.endpoint());
  FakeHttpServer sqs([&](const Request& r) { return slow.answer_sqs(r); }, 16);
  FakeHttpServer worker([&](const Request& r) { return slow.answer_post(r); }, 32);
  struct ReleaseAtEnd {
    SlowQueue& slow;
    ~ReleaseAtEnd() { slow.release_posts(); }
  } release_at_end{slow};
  start_sqsd(queue, worker.url(),
             {"--receives", std::to_string(kReceives), "--http-connections", std::to_string(kConnections),
              "--visibility-timeout", "60"},
             {{"AWS_ENDPOINT_URL_SQS", sqs.url()}});

  // Every message is being posted, and the daemon still receives with the slots left.
  ASSERT_TRUE(slow.wait_posts_open(kMessages, 20s)) << sqsd_log(0);
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& a : slow.asks())
          if (a.posts_open == kMessages) return true;
        return false;
      },
      10s))
      << "no receive while the POSTs were open\n" << sqsd_log(0);
  EXPECT_EQ(slow.most_receives_open(), kReceives) << sqsd_log(0);
  EXPECT_EQ(slow.overbooked(), "") << sqsd_log(0);
  for (const auto& a : slow.asks()) {
    EXPECT_GE(a.max_messages, 1);
    EXPECT_LE(a.max_messages, std::min(10, kConnections - a.posts_open))
        << "a receive asked for more than the free slots (" << a.posts_open << " POSTs open)";
  }

  slow.release_posts();
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 20s)) << sqsd_log(0);
  EXPECT_EQ(worker.requests().size(), static_cast<size_t>(kMessages)) << "a message was posted twice";
  EXPECT_EQ(slow.overbooked(), "") << sqsd_log(0);
}

}  // namespace
}  // namespace ebworker::testing
