// BoundedPool: N threads, no queue. A task is taken only when a thread is free; otherwise `busy` at
// once. Synchronisation is by latches and futures only.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/bounded_pool.h"

namespace ebworker {
namespace {

using Admission = BoundedPool::Admission;
using namespace std::chrono_literals;

// Retries until the pool takes the task, for the short moment between a task returning and its
// thread counting itself free. Fails the test if that never happens.
Admission submit_when_free(BoundedPool& pool, const std::function<void()>& task) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  Admission a = Admission::busy;
  while ((a = pool.try_submit(task)) == Admission::busy && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  return a;
}

TEST(BoundedPool, RunsATask) {
  std::promise<std::thread::id> ran;
  auto future = ran.get_future();
  BoundedPool pool(1);  // declared last: its threads are joined before the objects they use go
  EXPECT_EQ(pool.size(), 1u);
  ASSERT_EQ(pool.try_submit([&] { ran.set_value(std::this_thread::get_id()); }), Admission::accepted);
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_NE(future.get(), std::this_thread::get_id());  // never on the caller's thread
}

TEST(BoundedPool, TakesAsManyTasksAsThreadsThenIsBusy) {
  constexpr size_t kThreads = 4;
  std::promise<void> release;
  const std::shared_future<void> gate = release.get_future().share();
  std::latch started(kThreads);
  std::latch finished(kThreads);
  std::mutex ids_mutex;
  std::set<std::thread::id> ids;
  std::atomic<int> extra_runs{0};
  std::latch again(kThreads);
  BoundedPool pool(kThreads);

  for (size_t i = 0; i < kThreads; ++i)
    ASSERT_EQ(pool.try_submit([&] {
      {
        std::lock_guard lock(ids_mutex);
        ids.insert(std::this_thread::get_id());
      }
      started.count_down();
      gate.wait();
      finished.count_down();
    }),
              Admission::accepted)
        << "task " << i;

  // All N are running at once, each on its own thread, so the next one has no thread.
  started.wait();
  EXPECT_EQ(ids.size(), kThreads);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u);
  EXPECT_EQ(pool.try_submit([&] { ++extra_runs; }), Admission::busy);
  EXPECT_EQ(pool.try_submit([&] { ++extra_runs; }), Admission::busy);

  release.set_value();
  finished.wait();

  // Free again: N more are taken.
  for (size_t i = 0; i < kThreads; ++i)
    EXPECT_EQ(submit_when_free(pool, [&] { again.count_down(); }), Admission::accepted);
  again.wait();
  EXPECT_EQ(extra_runs.load(), 0);  // the refused tasks never ran
}

TEST(BoundedPool, BusyIsImmediateEvenBeforeTasksStart) {
  std::promise<void> release;
  const std::shared_future<void> gate = release.get_future().share();
  std::latch done(2);
  BoundedPool pool(2);
  EXPECT_EQ(pool.try_submit([&] { gate.wait(); done.count_down(); }), Admission::accepted);
  EXPECT_EQ(pool.try_submit([&] { gate.wait(); done.count_down(); }), Admission::accepted);
  EXPECT_EQ(pool.try_submit([] {}), Admission::busy);
  release.set_value();
  done.wait();
}

TEST(BoundedPool, StopAcceptingRefusesButFinishesWhatWasTaken) {
  std::atomic<int> runs{0};
  {
    std::promise<void> release;
    const std::shared_future<void> gate = release.get_future().share();
    std::latch started(1);
    BoundedPool pool(2);
    ASSERT_EQ(pool.try_submit([&] {
      started.count_down();
      gate.wait();
      ++runs;
    }),
              Admission::accepted);
    started.wait();
    pool.stop_accepting();
    EXPECT_EQ(pool.try_submit([&] { ++runs; }), Admission::stopping);  // a thread is free, still no
    EXPECT_EQ(pool.try_submit([&] { ++runs; }), Admission::stopping);
    release.set_value();
  }  // the destructor joins after the taken task finishes
  EXPECT_EQ(runs.load(), 1);
}

TEST(BoundedPool, DestructorRunsEveryAcceptedTask) {
  std::atomic<int> runs{0};
  {
    BoundedPool pool(3);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(pool.try_submit([&] { ++runs; }), Admission::accepted);
  }
  EXPECT_EQ(runs.load(), 3);
}

TEST(BoundedPool, ManyTasksOverTime) {
  constexpr int kTasks = 200;
  std::latch done(kTasks);
  std::atomic<int> runs{0};
  BoundedPool pool(3);
  for (int i = 0; i < kTasks; ++i)
    ASSERT_EQ(submit_when_free(pool, [&] {
      ++runs;
      done.count_down();
    }),
              Admission::accepted);
  done.wait();
  EXPECT_EQ(runs.load(), kTasks);
}

// Whoever hears from `then` that a task is done finds its slot free: a pool of one thread takes
// the next task submitted from `then`. (When the caller was told from inside the task, that
// submit was refused: the daemon then dropped the message and its in-flight count leaked.)
TEST(BoundedPool, ThenRunsOnceTheSlotIsFree) {
  constexpr int kChain = 50;
  std::promise<int> finished;
  auto result = finished.get_future();
  std::atomic<int> refused{0};
  BoundedPool pool(1);
  std::function<void(int)> submit = [&](int n) {
    const auto a = pool.try_submit([] {},
                                   [&, n] {
                                     if (n == kChain) return finished.set_value(n);
                                     submit(n + 1);
                                   });
    if (a != Admission::accepted) {
      ++refused;
      finished.set_value(n);
    }
  };
  submit(1);
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(result.get(), kChain);
  EXPECT_EQ(refused.load(), 0);
}

TEST(BoundedPool, ThenRunsOnTheTasksThreadAfterItsWork) {
  std::promise<std::pair<std::thread::id, std::thread::id>> ids;
  auto future = ids.get_future();
  std::thread::id work_thread;
  std::atomic<bool> worked{false};
  BoundedPool pool(2);
  ASSERT_EQ(pool.try_submit(
                [&] {
                  work_thread = std::this_thread::get_id();
                  worked = true;
                },
                [&] {
                  EXPECT_TRUE(worked.load());
                  ids.set_value({work_thread, std::this_thread::get_id()});
                }),
            Admission::accepted);
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  const auto [w, t] = future.get();
  EXPECT_EQ(w, t);
}

// A task that throws is logged, its `then` still runs and its slot is free again: the process
// goes on and the pool keeps its size.
TEST(BoundedPool, ATaskThatThrowsFreesItsSlotAndStillRunsThen) {
  std::promise<void> then_ran;
  auto future = then_ran.get_future();
  BoundedPool pool(1);
  ASSERT_EQ(pool.try_submit([] { throw 42; }, [&] { then_ran.set_value(); }), Admission::accepted);
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  std::promise<void> next_ran;
  auto next = next_ran.get_future();
  ASSERT_EQ(pool.try_submit([] { throw std::runtime_error("again"); }, [&] { next_ran.set_value(); }),
            Admission::accepted);
  ASSERT_EQ(next.wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace ebworker
