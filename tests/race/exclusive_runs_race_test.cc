// Exclusive runs under ThreadSanitizer, against dynalite: four threads take the same task's lease
// again and again (2 s leases, renewed every 0.67 s on each Lock's own thread), each first holding
// it 2.5 s, longer than a lease, so renewals run beside takes, and locks end (renewer stopped,
// lease handed back) while others try. Never two runs at once, and every run ends.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "support/dynalite_process.h"
#include "worker/exclusive_runs.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

TEST(ExclusiveRunsRace, OneRunAtATimeWhileLocksRenewAndEnd) {
  DynaliteProcess dynalite;
  const ExclusiveRuns runs(dynalite.table("locks"), "race-holder", 2s);
  std::atomic<int> holding{0}, overlaps{0}, completed{0}, longer_than_a_lease{0}, errors{0};
  const auto until = std::chrono::steady_clock::now() + 6s;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      bool held_long = false;
      for (int i = 0; i < 1000 && std::chrono::steady_clock::now() < until; ++i) {
        auto lock = runs.take("Report");
        if (!lock) {
          ++errors;
          continue;
        }
        if (!*lock) {
          std::this_thread::sleep_for(20ms);  // another run holds it: skipped, as Dispatch does
          continue;
        }
        if (++holding > 1) ++overlaps;
        // Each thread's first run outlives the lease (only its renewals keep it); later ones vary.
        const auto hold = held_long ? std::chrono::milliseconds(100 + random() % 1400) : 2500ms;
        held_long = true;
        std::this_thread::sleep_for(hold);
        if (hold > 2s) ++longer_than_a_lease;
        --holding;
        lock->reset();  // the run ends: renewer stopped, lease handed back
        ++completed;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(overlaps.load(), 0) << "two runs held the lease at once";
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GE(completed.load(), 3);
  EXPECT_GE(longer_than_a_lease.load(), 1) << "no run outlived a lease: renewal untested";
  EXPECT_FALSE(*dynalite.table("locks", false)->read(lock_key("Report"))) << "a lease was left behind";
}

}  // namespace
}  // namespace ebworker::testing
