// `ebworker sqsd --http-connections N` keeps at most N posts open at once (docs/deployment.md),
// and reaches N when that many messages wait. The worker is a capture
// endpoint in the test process that holds every post until the test releases it, counting the
// posts open at the same time; it has room for more than N, so an extra post would show.

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>

#include "e2e/support/local_stack.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Holds each request until release(n) lets n more go (or 30 s pass: a held post never outlives
// the test); records how many were open at once.
class Holder {
 public:
  Response hold(const Request& request) {
    std::unique_lock lock(mutex_);
    ++open_;
    max_open_ = std::max(max_open_, open_);
    msgids_.insert(std::string(request.headers.get("X-Aws-Sqsd-Msgid")));
    changed_.notify_all();
    const bool released = changed_.wait_for(lock, 30s, [&] { return releases_ > 0 || release_all_; });
    if (releases_ > 0) --releases_;
    --open_;
    changed_.notify_all();
    return released ? Response::ok() : Response::refuse(500, "never released");
  }

  void release(int n) {
    std::lock_guard lock(mutex_);
    releases_ += n;
    changed_.notify_all();
  }
  void release_all() {
    std::lock_guard lock(mutex_);
    release_all_ = true;
    changed_.notify_all();
  }

  // Waits until `open` posts are held (true) or the timeout passes (false).
  bool wait_open(int open, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return open_ == open && releases_ == 0; });
  }
  // Waits for more than `open` posts at once: true means the limit was broken.
  bool more_than(int open, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return max_open_ > open; });
  }

  int open() {
    std::lock_guard lock(mutex_);
    return open_;
  }
  int max_open() {
    std::lock_guard lock(mutex_);
    return max_open_;
  }
  size_t distinct() {
    std::lock_guard lock(mutex_);
    return msgids_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int open_ = 0;
  int max_open_ = 0;
  int releases_ = 0;
  bool release_all_ = false;
  std::set<std::string> msgids_;
};

class HttpConnections : public LocalStackTest {};

TEST_F(HttpConnections, AtMostThreeOpenAtOnceAndEveryMessageDeleted) {
  constexpr int kLimit = 3;
  constexpr int kMessages = 12;
  const std::string queue = create_queue("connections");
  for (int i = 0; i < kMessages; ++i) {
    const auto sent = client(queue).enqueue("EchoJob", "[" + std::to_string(i) + "]");
    ASSERT_TRUE(sent) << sent.error().describe();
  }

  Holder holder;
  FakeHttpServer capture([&](const Request& r) { return holder.hold(r); }, 16);
  struct ReleaseAtEnd {
    Holder& h;
    ~ReleaseAtEnd() { h.release_all(); }
  } release_at_end{holder};

  start_sqsd(queue, capture.url(), {"--http-connections", std::to_string(kLimit), "--visibility-timeout", "60",
                                    "--error-visibility-timeout", "0"});

  // Three held at once: the daemon reaches its limit...
  ASSERT_TRUE(holder.wait_open(kLimit, 20s)) << "open: " << holder.open() << "; sqsd log:\n" << sqsd_log(0);
  // ...and with nine messages still waiting and a long poll of 1 s, a fourth does not come.
  EXPECT_FALSE(holder.more_than(kLimit, 2500ms)) << "max open " << holder.max_open() << "; sqsd log:\n"
                                                 << sqsd_log(0);

  // Let them go one at a time: each freed connection is taken again, never exceeded.
  for (int done = 1; done <= kMessages - kLimit; ++done) {
    holder.release(1);
    ASSERT_TRUE(holder.wait_open(kLimit, 20s))
        << "after " << done << " released, open: " << holder.open() << "; sqsd log:\n" << sqsd_log(0);
  }
  EXPECT_EQ(holder.max_open(), kLimit);
  holder.release_all();

  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 20s))
      << messages_in(queue) << " left; sqsd log:\n" << sqsd_log(0);
  EXPECT_EQ(holder.max_open(), kLimit) << "more than --http-connections posts were open at once";
  EXPECT_EQ(holder.distinct(), static_cast<size_t>(kMessages));
  EXPECT_EQ(capture.requests().size(), static_cast<size_t>(kMessages)) << "a message was posted twice";
  EXPECT_TRUE(eventually([&] { return lines_with(sqsd_log(0), {"status=200", "deleting"}).size() == kMessages; }, 5s))
      << sqsd_log(0);
}

}  // namespace
}  // namespace ebworker::testing
