// Exponential backoff with full jitter, bounded by attempts and by total time. The clock,
// the random numbers and the waits are the test's own: nothing here sleeps.

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "aws/retry_policy.h"

namespace ebworker {
namespace {

using std::chrono::milliseconds;

// A clock that moves only when the policy "sleeps", and records each wait.
struct FakeTime {
  std::chrono::steady_clock::time_point now{};
  std::vector<milliseconds> waits;
  double random = 0.5;

  RetryHooks hooks() {
    return {[this](milliseconds d) {
              waits.push_back(d);
              now += d;
            },
            [this] { return random; }, [this] { return now; }};
  }
};

TEST(RetryPolicy, CeilingDoublesUpToTheCap) {
  RetryPolicy p({.max_attempts = 10, .base_delay = milliseconds(100), .max_delay = milliseconds(1000)});
  EXPECT_EQ(p.ceiling(1), milliseconds(100));
  EXPECT_EQ(p.ceiling(2), milliseconds(200));
  EXPECT_EQ(p.ceiling(3), milliseconds(400));
  EXPECT_EQ(p.ceiling(4), milliseconds(800));
  EXPECT_EQ(p.ceiling(5), milliseconds(1000));
  EXPECT_EQ(p.ceiling(60), milliseconds(1000));  // no overflow far out
}

TEST(RetryPolicy, FullJitterScalesTheCeiling) {
  FakeTime t;
  t.random = 0.5;
  RetryPolicy p({.max_attempts = 5, .base_delay = milliseconds(100), .max_delay = milliseconds(10000),
                 .budget = milliseconds(60000)},
                t.hooks());
  auto a = p.start();
  int retries = 0;
  for (a.begin_attempt(); a.wait_before_retry(); a.begin_attempt()) ++retries;
  EXPECT_EQ(retries, 4);  // 5 attempts: the first and 4 retries
  EXPECT_EQ(a.made(), 5);
  EXPECT_EQ(t.waits, (std::vector<milliseconds>{milliseconds(50), milliseconds(100), milliseconds(200),
                                               milliseconds(400)}));
}

TEST(RetryPolicy, ZeroJitterRetriesAtOnce) {
  FakeTime t;
  t.random = 0.0;
  RetryPolicy p({.max_attempts = 3}, t.hooks());
  auto a = p.start();
  a.begin_attempt();
  EXPECT_TRUE(a.wait_before_retry());
  EXPECT_TRUE(t.waits.empty());  // a zero wait is not a sleep
}

TEST(RetryPolicy, OneAttemptMeansNoRetry) {
  FakeTime t;
  RetryPolicy p({.max_attempts = 1}, t.hooks());
  auto a = p.start();
  a.begin_attempt();
  EXPECT_FALSE(a.wait_before_retry());
  EXPECT_TRUE(t.waits.empty());
}

TEST(RetryPolicy, StopsWhenTheNextWaitWouldOverrunTheBudget) {
  FakeTime t;
  t.random = 0.99;
  RetryPolicy p({.max_attempts = 20, .base_delay = milliseconds(400), .max_delay = milliseconds(5000),
                 .budget = milliseconds(1000)},
                t.hooks());
  auto a = p.start();
  a.begin_attempt();
  EXPECT_TRUE(a.wait_before_retry());  // waits 396 ms
  a.begin_attempt();
  EXPECT_FALSE(a.wait_before_retry());  // 792 ms more would end past 1000
  EXPECT_EQ(t.waits, std::vector<milliseconds>{milliseconds(396)});
  EXPECT_EQ(a.remaining(), milliseconds(604));
}

TEST(RetryPolicy, TimeSpentInRequestsCountsAgainstTheBudget) {
  FakeTime t;
  t.random = 0.0;
  RetryPolicy p({.max_attempts = 20, .budget = milliseconds(1000)}, t.hooks());
  auto a = p.start();
  a.begin_attempt();
  t.now += milliseconds(999);  // a slow request
  EXPECT_EQ(a.remaining(), milliseconds(1));
  EXPECT_TRUE(a.wait_before_retry());
  a.begin_attempt();
  t.now += milliseconds(5);
  EXPECT_EQ(a.remaining(), milliseconds(0));
  EXPECT_FALSE(a.wait_before_retry());
}

TEST(RetryPolicy, DefaultRandomStaysWithinTheCeiling) {
  auto waits = std::make_shared<std::vector<milliseconds>>();
  RetryPolicy p({.max_attempts = 4, .base_delay = milliseconds(8), .max_delay = milliseconds(20),
                 .budget = milliseconds(1000000)},
                {[waits](milliseconds d) { waits->push_back(d); }, nullptr, nullptr});
  std::size_t nonzero = 0;
  for (int round = 0; round < 200; ++round) {
    auto a = p.start();
    a.begin_attempt();
    for (int retry = 1; retry < 4; ++retry) {
      waits->clear();
      ASSERT_TRUE(a.wait_before_retry());
      a.begin_attempt();
      // A zero wait is no sleep at all; any other is within [0, ceiling].
      ASSERT_LE(waits->size(), 1u);
      if (!waits->empty()) {
        ++nonzero;
        EXPECT_GT(waits->front(), milliseconds(0));
        EXPECT_LE(waits->front(), p.ceiling(retry));
      }
    }
    EXPECT_FALSE(a.wait_before_retry());
  }
  EXPECT_GT(nonzero, 300u);  // of 600 waits: the draws are not stuck at zero
}

TEST(RetryPolicy, NonsenseSettingsAreMadeSane) {
  RetryPolicy p({.max_attempts = 0, .base_delay = milliseconds(-5), .max_delay = milliseconds(-10),
                 .budget = milliseconds(0)});
  EXPECT_EQ(p.settings().max_attempts, 1);
  EXPECT_EQ(p.ceiling(3), milliseconds(0));
  EXPECT_GE(p.settings().budget, milliseconds(1));
}

}  // namespace
}  // namespace ebworker
