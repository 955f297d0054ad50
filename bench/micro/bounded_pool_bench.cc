// The worker's hand-off: the I/O thread submits each request to the job pool and a job thread
// runs it (http/server.cc). This is the round trip of an empty task: submit, wake a job thread,
// run, wake the submitter again (which in the server is pistache's I/O thread, woken through its
// own queue to write the response). Compare with the stack traversal it carries.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>

#include "core/bounded_pool.h"

namespace {

void BM_BoundedPoolRoundTrip(benchmark::State& state) {
  ebworker::BoundedPool pool(static_cast<std::size_t>(state.range(0)));
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  for (auto _ : state) {
    {
      std::lock_guard lock(mutex);
      finished = false;
    }
    const auto admission = pool.try_submit([&] {
      {
        std::lock_guard lock(mutex);
        finished = true;
      }
      done.notify_one();
    });
    if (admission != ebworker::BoundedPool::Admission::accepted) {
      state.SkipWithError("the pool refused the task");
      break;
    }
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return finished; });
  }
}
// 64 threads: what the worker benchmark runs with (EBWORKER_JOB_THREADS=64). Not 1: the task
// signals before its thread is counted free again, so the next submit could find the pool busy.
BENCHMARK(BM_BoundedPoolRoundTrip)->Arg(64)->UseRealTime();

}  // namespace
