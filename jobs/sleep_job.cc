#include "sleep_job.h"

#include <chrono>
#include <thread>

ebworker::JobResult SleepJob::perform(const rapidjson::Value& arguments, ebworker::JobContext& context) {
  if (arguments.Size() < 1 || !arguments[0].IsUint64())
    return ebworker::fail("arguments[0] must be a number of milliseconds");
  const auto ms = std::chrono::milliseconds(arguments[0].GetUint64());
  context.log.debug("sleeping {} ms", ms.count());
  std::this_thread::sleep_for(ms);
  return ebworker::done();
}
