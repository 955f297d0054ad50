#include "sleep_job.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

ebworker::JobResult SleepJob::perform(const rapidjson::Value& arguments, ebworker::JobContext& context) {
  if (arguments.Size() < 1 || !arguments[0].IsUint64())
    return ebworker::fail("arguments[0] must be a number of milliseconds");
  const auto ms = std::chrono::milliseconds(arguments[0].GetUint64());
  context.log.debug("sleeping {} ms", ms.count());
  // Sleeps, but wakes when asked to stop (shutdown, or a time limit): the message then comes back.
  std::mutex mutex;
  std::condition_variable_any never_notified;
  std::unique_lock lock(mutex);
  const auto started = std::chrono::steady_clock::now();
  never_notified.wait_for(lock, context.stop, ms, [] { return false; });
  if (context.stop.stop_requested()) {
    const auto slept = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return ebworker::fail("asked to stop after " + std::to_string(slept.count()) + " of " +
                          std::to_string(ms.count()) + " ms");
  }
  return ebworker::done();
}
