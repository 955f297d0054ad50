// retry_verdict: what a job class's retry policy does with a failed run; another attempt until
// max_attempts have run, unless the failure is one it does not retry (a throw with
// retry_exceptions false, or one its retry_if answers false for): then the dead-letter queue.

#include <gtest/gtest.h>

#include <exception>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <ebworker/worker/job_registry.h>

#include "worker/retry_hops.h"

namespace ebworker {
namespace {

template <typename E>
std::exception_ptr thrown(E e) {
  return std::make_exception_ptr(std::move(e));
}

class CardDeclined : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Declared as a job class would: constexpr, with a lambda for retry_if.
class ChargeCardJob : public Job {
 public:
  static constexpr std::string_view name = "ChargeCardJob";
  static constexpr RetryOptions retry{
      .max_attempts = 3,
      .retry_if = [](const FailedRun& f) { return !f.threw<CardDeclined>() && !f.reason.starts_with("permanent"); }};
  JobResult perform(const rapidjson::Value&, JobContext&) override { return done(); }
};

TEST(RetryVerdict, EveryFailureIsRetriedUntilMaxAttemptsHaveRun) {
  const RetryOptions policy{.max_attempts = 2};
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "down"}), RetryVerdict::retry);
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "boom", .exception = thrown(std::runtime_error("boom"))}),
            RetryVerdict::retry);
  EXPECT_EQ(retry_verdict(policy, 2, {.reason = "down"}), RetryVerdict::attempts_spent);
  EXPECT_EQ(retry_verdict(policy, 3, {.reason = "down"}), RetryVerdict::attempts_spent);
}

TEST(RetryVerdict, WithoutRetryExceptionsAThrowIsNotRetriedButAFailIs) {
  const RetryOptions policy{.max_attempts = 3, .retry_exceptions = false};
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "boom", .exception = thrown(std::logic_error("boom"))}),
            RetryVerdict::not_retried);
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "down"}), RetryVerdict::retry);
}

TEST(RetryVerdict, RetryIfChoosesByTheFailuresReasonAndException) {
  const RetryOptions policy = ChargeCardJob::retry;
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "gateway timed out"}), RetryVerdict::retry);
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "permanent: no such card"}), RetryVerdict::not_retried);
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "declined", .exception = thrown(CardDeclined("declined"))}),
            RetryVerdict::not_retried);
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "reset", .exception = thrown(std::runtime_error("reset"))}),
            RetryVerdict::retry);
  // Spent attempts stay spent, whatever retry_if says.
  EXPECT_EQ(retry_verdict(policy, 3, {.reason = "gateway timed out"}), RetryVerdict::attempts_spent);
}

TEST(RetryVerdict, RetryIfSeesWhatTheJobThrew) {
  const FailedRun declined{.reason = "declined", .exception = thrown(CardDeclined("declined"))};
  EXPECT_TRUE(declined.threw<CardDeclined>());
  EXPECT_TRUE(declined.threw<std::runtime_error>());  // its base classes too
  EXPECT_FALSE(declined.threw<std::logic_error>());
  EXPECT_FALSE(FailedRun{.reason = "declined"}.threw<std::exception>());  // fail(), no exception
}

TEST(RetryVerdict, ARetryIfThatThrowsRetries) {
  const RetryOptions policy{.max_attempts = 3, .retry_if = [](const FailedRun&) -> bool {
                              throw std::runtime_error("a bug in the predicate");
                            }};
  EXPECT_EQ(retry_verdict(policy, 1, {.reason = "down"}), RetryVerdict::retry);
}

TEST(RetryVerdict, AddCarriesAJobClassesRetryIf) {
  JobRegistry jobs;
  jobs.add<ChargeCardJob>();
  const auto retry_if = jobs.options("ChargeCardJob").retry.retry_if;
  ASSERT_NE(retry_if, nullptr);
  EXPECT_FALSE(retry_if({.reason = "permanent: no such card"}));
  EXPECT_TRUE(retry_if({.reason = "gateway timed out"}));
}

}  // namespace
}  // namespace ebworker
