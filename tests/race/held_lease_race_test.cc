// Held leases under ThreadSanitizer, against dynalite: four threads take the same leases again
// and again (2 s leases, renewed every 0.67 s on each hold's own thread), each first holding one
// 2.5 s, longer than a lease, so renewals run beside takes, and holds end (renewer stopped, lease
// handed back) while others try. An exclusive task's lock is held by one run at a time and a
// concurrency limit's two slots by two; every run ends and no lease is left behind.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "support/dynalite_process.h"
#include "worker/concurrency_slots.h"
#include "worker/exclusive_runs.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

struct RaceTally {
  int most_at_once = 0;
  int completed = 0;
  int longer_than_a_lease = 0;
  int errors = 0;
};

// Four threads call `take()` (a result holding a hold, or none while all are taken) for 6 s.
template <typename Take>
RaceTally hold_racing(Take take) {
  std::atomic<int> holding{0}, most{0}, completed{0}, longer_than_a_lease{0}, errors{0};
  const auto until = std::chrono::steady_clock::now() + 6s;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      bool held_long = false;
      for (int i = 0; i < 1000 && std::chrono::steady_clock::now() < until; ++i) {
        auto hold = take();
        if (!hold) {
          ++errors;
          continue;
        }
        if (!*hold) {
          std::this_thread::sleep_for(20ms);  // all held: skipped or deferred, as Dispatch does
          continue;
        }
        const int now = ++holding;
        for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        // Each thread's first run outlives the lease (only its renewals keep it); later ones vary.
        const auto length = held_long ? std::chrono::milliseconds(100 + random() % 1400) : 2500ms;
        held_long = true;
        std::this_thread::sleep_for(length);
        if (length > 2s) ++longer_than_a_lease;
        --holding;
        hold->reset();  // the run ends: renewer stopped, lease handed back
        ++completed;
      }
    });
  for (auto& t : threads) t.join();
  return {most.load(), completed.load(), longer_than_a_lease.load(), errors.load()};
}

TEST(HeldLeaseRace, AnExclusiveTaskRunsOnceAtATimeWhileLocksRenewAndEnd) {
  DynaliteProcess dynalite;
  const ExclusiveRuns runs(dynalite.table("locks"), "race-holder", 2s);
  const RaceTally tally = hold_racing([&] { return runs.take("Report"); });
  EXPECT_EQ(tally.most_at_once, 1) << "two runs held the lease at once";
  EXPECT_EQ(tally.errors, 0);
  EXPECT_GE(tally.completed, 3);
  EXPECT_GE(tally.longer_than_a_lease, 1) << "no run outlived a lease: renewal untested";
  EXPECT_FALSE(*dynalite.table("locks", false)->read(lock_key("Report"))) << "a lease was left behind";
}

TEST(HeldLeaseRace, AConcurrencyLimitsSlotsAreHeldByAtMostItsMaxWhileTheyRenewAndEnd) {
  DynaliteProcess dynalite;
  const ConcurrencySlots slots(dynalite.table("limits"), "race-holder");
  const ConcurrencyLimit two{.max = 2, .lease = 2s};
  const RaceTally tally = hold_racing([&] { return slots.take("SyncJob", "acct-1", two); });
  EXPECT_EQ(tally.most_at_once, 2) << "the limit of 2 was passed, or never reached";
  EXPECT_EQ(tally.errors, 0);
  EXPECT_GE(tally.completed, 4);
  EXPECT_GE(tally.longer_than_a_lease, 2) << "too few runs outlived a lease: renewal untested";
  for (int slot = 0; slot < 2; ++slot)
    EXPECT_FALSE(*dynalite.table("limits", false)->read(slot_key("SyncJob", "acct-1", slot)))
        << "slot " << slot << " was left behind";
}

}  // namespace
}  // namespace ebworker::testing
