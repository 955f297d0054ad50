#include "steps_job.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

ebworker::JobResult StepsJob::perform(const rapidjson::Value& arguments, ebworker::JobContext& context) {
  if (arguments.Size() != 2 || !arguments[0].IsInt64() || arguments[0].GetInt64() < 0 || !arguments[1].IsUint64())
    return ebworker::discard("arguments must be [total_steps, ms_per_step], both whole numbers");
  const std::int64_t total = arguments[0].GetInt64();
  const auto per_step = std::chrono::milliseconds(arguments[1].GetUint64());
  const char* out = std::getenv("STEPS_JOB_OUT");
  if (context.resumptions > 0) context.log.info("resumption {}", context.resumptions);

  context.step("steps", 0, total, [&](std::int64_t step) {
    std::this_thread::sleep_for(per_step);
    // One write of the whole line, flushed as the stream closes: whole lines only, even under kill -9.
    if (out) std::ofstream(out, std::ios::app) << std::to_string(step) + "\n";
  });
  return ebworker::done();
}
