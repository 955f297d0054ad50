// Flow control's pure parts: a limit's key from the arguments, the delay of a deferred run (its
// growth and bounds), and the declaration add<J>() picks up.

#include <gtest/gtest.h>

#include <ebworker/worker/flow_control.h>
#include <ebworker/worker/job_registry.h>

#include "core/json.h"
#include "worker/concurrency_slots.h"
#include "worker/limit_gate.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;

rapidjson::Document arguments(std::string_view json) { return parse_json(json).value(); }

TEST(ArgumentKey, AStringAsItIsAnyOtherValueAsItsJson) {
  EXPECT_EQ(argument_key(arguments(R"(["acct-1", 300])"), 0), "acct-1");
  EXPECT_EQ(argument_key(arguments(R"(["acct-1", 300])"), 1), "300");
  EXPECT_EQ(argument_key(arguments(R"([{"a":[1,2]}])"), 0), R"({"a":[1,2]})");
  EXPECT_EQ(argument_key(arguments(R"(["acct-1"])"), 1), "") << "no such argument";
  EXPECT_EQ(argument_key(arguments(R"({"not":"an array"})"), 0), "");
  EXPECT_EQ(by_argument<0>(arguments(R"(["x"])")), "x");
}

TEST(LimitKey, TheClassAsAWholeOrTheKeyBoundedInLength) {
  EXPECT_EQ(limit_key(nullptr, arguments("[]")), "*");
  EXPECT_EQ(limit_key(&by_argument<0>, arguments(R"(["acct-1"])")), "acct-1");
  const std::string long_key(201, 'k');
  const std::string hashed = limit_key(&by_argument<0>, arguments("[\"" + long_key + "\"]"));
  EXPECT_TRUE(hashed.starts_with("sha256:")) << hashed;
  EXPECT_EQ(hashed.size(), 7u + 64u);
  EXPECT_NE(hashed, limit_key(&by_argument<0>, arguments("[\"" + long_key + "x\"]")));
}

TEST(LimitedDelay, GrowsWithTheWaitWithinItsBounds) {
  // Just deferred: one second, whatever the draw.
  EXPECT_EQ(limited_delay(0s, 0.0, 900s), 1s);
  EXPECT_EQ(limited_delay(0s, 0.999, 900s), 1s);
  // After 40 s the ceiling is 11 s; the draw is in its upper half.
  EXPECT_EQ(limited_delay(40s, 0.0, 900s), 6s);
  EXPECT_EQ(limited_delay(40s, 0.999, 900s), 11s);
  // Never past kLongestLimitedDelay, nor past the longest hop.
  EXPECT_EQ(limited_delay(24h, 0.999, 900s), kLongestLimitedDelay);
  EXPECT_EQ(limited_delay(24h, 0.999, 5s), 5s);
  EXPECT_EQ(limited_delay(-5s, 0.5, 900s), 1s) << "a clock behind the attribute";
  for (double r = 0; r < 1; r += 0.01) {
    const auto d = limited_delay(100s, r, 900s);
    EXPECT_GE(d, 13s);
    EXPECT_LE(d, 26s);
  }
}

struct DeclaredJob : Job {
  static constexpr std::string_view name = "DeclaredJob";
  static constexpr ConcurrencyLimit concurrency{.max = 3, .key = by_argument<1>, .fail_open = true};
  JobResult perform(const rapidjson::Value&, JobContext&) override { return done(); }
};

TEST(ConcurrencyLimitDeclaration, AddPicksItUpAndRefusesOneOutOfRange) {
  JobRegistry jobs;
  jobs.add<DeclaredJob>();
  const ConcurrencyLimit limit = jobs.options("DeclaredJob").concurrency;
  EXPECT_EQ(limit.max, 3);
  EXPECT_EQ(limit.key, &by_argument<1>);
  EXPECT_EQ(limit.lease, 30s);
  EXPECT_TRUE(limit.fail_open);
  EXPECT_EQ(jobs.options("DeclaredJob").retry.max_attempts, 0);
  const auto factory = [] { return std::make_unique<DeclaredJob>(); };
  EXPECT_THROW(jobs.add("Negative", factory, {.concurrency = {.max = -1}}), std::invalid_argument);
  EXPECT_THROW(jobs.add("ShortLease", factory, {.concurrency = {.max = 1, .lease = 2s}}), std::invalid_argument);
}

TEST(LimitGate, WithoutATableALimitedClassIsRefusedUnlessItFailsOpen) {
  const LimitGate gate(nullptr, nullptr);
  const auto args = arguments("[]");
  EXPECT_EQ(gate.admit("Plain", {}, args).verdict, LimitAdmission::Verdict::run);
  const LimitAdmission refused = gate.admit("Limited", {.concurrency = {.max = 1}}, args);
  EXPECT_EQ(refused.verdict, LimitAdmission::Verdict::unconfigured);
  EXPECT_NE(refused.reason.find("EBWORKER_LIMITS_TABLE"), std::string::npos) << refused.reason;
  EXPECT_EQ(gate.admit("Open", {.concurrency = {.max = 1, .fail_open = true}}, args).verdict, LimitAdmission::Verdict::run);
}

}  // namespace
}  // namespace ebworker
