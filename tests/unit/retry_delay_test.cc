// retry_delay: the ceiling doubles from base_delay up to max_delay and never past SQS's 900 s;
// the delay is drawn from the ceiling's upper half.

#include <gtest/gtest.h>

#include "core/due_time.h"
#include "worker/retry_hops.h"

namespace ebworker {
namespace {

using std::chrono::seconds;

TEST(RetryDelay, TheCeilingDoublesFromTheBaseAndTheDrawIsItsUpperHalf) {
  const RetryOptions p{.max_attempts = 10, .base_delay = seconds(10), .max_delay = seconds(1000)};
  EXPECT_EQ(retry_delay(p, 1, 0.0), seconds(5));
  EXPECT_EQ(retry_delay(p, 1, 0.999), seconds(10));
  EXPECT_EQ(retry_delay(p, 2, 0.999), seconds(20));
  EXPECT_EQ(retry_delay(p, 3, 0.0), seconds(20));
  EXPECT_EQ(retry_delay(p, 4, 0.999), seconds(80));
}

TEST(RetryDelay, CappedByMaxDelayAndBySqsFifteenMinutes) {
  const RetryOptions small{.max_attempts = 10, .base_delay = seconds(10), .max_delay = seconds(30)};
  EXPECT_EQ(retry_delay(small, 9, 0.999), seconds(30));
  const RetryOptions large{.max_attempts = 10, .base_delay = seconds(60), .max_delay = seconds(7200)};
  EXPECT_EQ(retry_delay(large, 20, 0.999), seconds(900));
  EXPECT_EQ(retry_delay(large, 1000, 0.0), seconds(450));  // no overflow however many attempts
}

// A job that asks for N seconds is due no sooner than N seconds later, wherever in a second it
// asked: the envelope's whole-second due time rounds up.
TEST(DueAfter, NeverSoonerThanTheDelayWhereverInASecondItIsAsked) {
  const std::chrono::sys_seconds whole{std::chrono::seconds(1'800'000'000)};
  for (const auto into : {std::chrono::milliseconds(0), std::chrono::milliseconds(1), std::chrono::milliseconds(999)}) {
    const std::chrono::system_clock::time_point asked = whole + into;
    const auto due = due_after(asked, seconds(5));
    EXPECT_GE(due, asked + seconds(5)) << into.count();
    EXPECT_LT(due, asked + seconds(6)) << into.count();
  }
}

TEST(RetryDelay, AZeroBaseRetriesAtOnce) {
  const RetryOptions now{.max_attempts = 3, .base_delay = seconds(0), .max_delay = seconds(0)};
  EXPECT_EQ(retry_delay(now, 2, 0.5), seconds(0));
}

}  // namespace
}  // namespace ebworker
