#include "worker/job_runner.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

namespace ebworker {

namespace {

// Requests `run` when the time limit passes, unless destroyed first (the job ended).
class TimeLimit {
 public:
  TimeLimit(std::chrono::seconds limit, std::stop_source run, std::atomic<bool>& passed) {
    if (limit.count() == 0) return;
    watchdog_ = std::jthread([limit, run, &passed](std::stop_token ended) mutable {
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock lock(m);
      cv.wait_for(lock, ended, limit, [] { return false; });
      if (ended.stop_requested()) return;
      passed = true;
      run.request_stop();
    });
  }

 private:
  std::jthread watchdog_;
};

}  // namespace

JobRun run_job(const JobRegistry& registry, std::string_view job_name, const rapidjson::Value& arguments,
               JobContext& context, std::stop_token shutdown) {
  JobRun out;
  out.job = std::string(job_name);
  out.job_id = context.job_id;
  out.message_id = context.message_id;
  std::stop_source run;
  const std::stop_callback on_shutdown(shutdown, [&run] { run.request_stop(); });
  std::atomic<bool> limit_passed{false};
  out.time_limit = registry.options(job_name).time_limit;
  context.stop = run.get_token();
  std::optional<std::chrono::steady_clock::time_point> started;  // set when perform() is called
  const auto ran_until_now = [&] {
    if (started) out.ran = std::chrono::steady_clock::now() - *started;
  };
  try {
    // The factory is the job's own code too (its constructor): inside the try.
    auto job = registry.create(job_name);
    if (!job) {
      out.known = false;
      return out;
    }
    started = std::chrono::steady_clock::now();
    context.started = *started;
    JobResult result = [&] {
      const TimeLimit watchdog(out.time_limit, run, limit_passed);
      return job->perform(arguments, context);
    }();
    out.ran = std::chrono::steady_clock::now() - *started;
    out.kind = result.kind();
    out.delay = result.delay();
    out.reason = result.reason();
    out.stopped = result.kind() != JobResult::Kind::done && run.stop_requested();
    out.time_limit_passed = limit_passed;
    return out;
  } catch (const StepsInterrupted&) {
    ran_until_now();
    out.handed_on = true;
    out.stopped = run.stop_requested();
    out.time_limit_passed = limit_passed;
  } catch (const std::exception& e) {
    ran_until_now();
    out.threw = true;
    out.exception_text = true;
    out.exception = std::current_exception();
    out.reason = e.what();
  } catch (...) {
    ran_until_now();
    out.threw = true;
    out.exception = std::current_exception();
    out.reason = "a non-standard exception";
  }
  return out;
}

}  // namespace ebworker
