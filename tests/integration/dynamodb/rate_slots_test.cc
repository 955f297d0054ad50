// A rate limit's slots against dynalite: N starts per interval per key, a slot free again exactly
// one interval after its start, threads racing for the last slot get it once, and the gate holds
// no concurrency slot for a run the rate defers.

#include "worker/rate_slots.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/json.h"
#include "support/dynalite_process.h"
#include "support/racing_threads.h"
#include "worker/limit_gate.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

class RateSlotsTest : public ::testing::Test {
 protected:
  DynaliteProcess dynalite_;
  std::shared_ptr<const LeaseTable> table_ = dynalite_.table("limits");
  RateSlots here_{dynalite_.client(), "limits", "worker-a"};
  RateSlots there_{dynalite_.client(), "limits", "worker-b"};
  const Clock::time_point t0_ = Clock::time_point(std::chrono::milliseconds(1'950'000'000'000));
};

TEST_F(RateSlotsTest, NStartsPerIntervalPerKey) {
  const RateLimit five{.max = 5, .per = 1000ms};
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(*(i % 2 ? here_ : there_).take("CallJob", "p1", five, t0_ + i * 10ms)) << i;
  EXPECT_FALSE(*here_.take("CallJob", "p1", five, t0_ + 50ms));
  EXPECT_FALSE(*there_.take("CallJob", "p1", five, t0_ + 999ms)) << "a slot free before its interval passed";
  EXPECT_TRUE(*here_.take("CallJob", "p2", five, t0_ + 50ms)) << "another key";
  EXPECT_TRUE(*here_.take("OtherJob", "p1", five, t0_ + 50ms)) << "another class";
  // The first start's slot is free one interval after it, and only that one.
  EXPECT_TRUE(*here_.take("CallJob", "p1", five, t0_ + 1000ms));
  EXPECT_FALSE(*here_.take("CallJob", "p1", five, t0_ + 1005ms));
  EXPECT_TRUE(*there_.take("CallJob", "p1", five, t0_ + 1010ms));
  // Each slot carries its TTL in whole seconds, past its free_at_ms. A take starts at a random
  // slot, so the one start of key p2 is looked for in all five.
  int used = 0;
  for (int slot = 0; slot < five.max; ++slot) {
    const auto lease = table_->read(rate_key("CallJob", "p2", slot));
    ASSERT_TRUE(lease) << lease.error().describe();
    if (!*lease) continue;
    ++used;
    EXPECT_GT((*lease)->expires_at.time_since_epoch(),
              std::chrono::duration_cast<std::chrono::seconds>((t0_ + 1050ms).time_since_epoch()));
  }
  EXPECT_EQ(used, 1);
}

TEST_F(RateSlotsTest, ThreadsRacingForTheLastSlotsGetThemOnce) {
  constexpr int kThreads = 8;
  const RateLimit three{.max = 3, .per = 60s};
  const auto taken = racing_threads(kThreads, [&](int i) { return (i % 2 ? here_ : there_).take("CallJob", "p1", three, t0_); });
  int started = 0;
  for (const auto& t : taken) {
    ASSERT_TRUE(t) << t.error().describe();
    started += *t ? 1 : 0;
  }
  EXPECT_EQ(started, 3);
}

TEST_F(RateSlotsTest, ARunTheRateDefersHoldsNoConcurrencySlot) {
  const LimitGate gate(std::make_shared<const ConcurrencySlots>(table_, "worker-a"),
                       std::make_shared<const RateSlots>(dynalite_.client(), "limits", "worker-a"));
  const JobOptions both{.concurrency = {.max = 1}, .rate = {.max = 1, .per = 60s}};
  const auto args = parse_json("[]").value();
  LimitAdmission first = gate.admit("CallJob", both, args);
  ASSERT_EQ(first.verdict, LimitAdmission::Verdict::run) << first.reason;
  first.slot.reset();
  const LimitAdmission second = gate.admit("CallJob", both, args);
  EXPECT_EQ(second.verdict, LimitAdmission::Verdict::deferred);
  EXPECT_NE(second.reason.find("rate limited: CallJob * started its 1 runs in 60000 ms"), std::string::npos)
      << second.reason;
  EXPECT_FALSE(*table_->read(slot_key("CallJob", "*", 0))) << "the deferred run kept its concurrency slot";
}

}  // namespace
}  // namespace ebworker::testing
