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

// A result other than done() from a run that was asked to stop: the reason says why it stopped.
Response stopped(Response response, bool time_limit_passed, std::chrono::seconds limit) {
  response.reason = (time_limit_passed ? "stopped at its time limit of " + std::to_string(limit.count()) + " s: "
                                       : std::string("stopped for shutdown: ")) +
                    response.reason;
  response.body = response.reason + "\n";
  return response;
}

Response answer(const JobResult& result) {
  switch (result.kind()) {
    case JobResult::Kind::done:
      return Response::ok();
    case JobResult::Kind::discarded: {
      Response r = Response::ok("discarded\n");
      r.reason = "discarded: " + result.reason();
      return r;
    }
    case JobResult::Kind::retry: {
      const std::string seconds = std::to_string(result.delay().count());
      Response r = Response::refuse(503, "retry in " + seconds + " s: " + result.reason());
      r.headers.add("Retry-After", seconds);
      return r;
    }
    case JobResult::Kind::failed:
      break;
  }
  return Response::refuse(500, "job failed: " + result.reason());
}

}  // namespace

Response run_job(const JobRegistry& registry, std::string_view job_name,
                 const rapidjson::Value& arguments, JobContext& context, std::stop_token shutdown) {
  return run_job_for(registry, job_name, arguments, context, std::move(shutdown)).response;
}

JobRun run_job_for(const JobRegistry& registry, std::string_view job_name, const rapidjson::Value& arguments,
                   JobContext& context, std::stop_token shutdown) {
  JobRun out;
  out.job = std::string(job_name);
  out.job_id = context.job_id;
  out.message_id = context.message_id;
  std::stop_source run;
  const std::stop_callback on_shutdown(shutdown, [&run] { run.request_stop(); });
  std::atomic<bool> limit_passed{false};
  const std::chrono::seconds limit = registry.options(job_name).time_limit;
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
      out.response = Response::refuse(404, "unknown job " + std::string(job_name));
      return out;
    }
    started = std::chrono::steady_clock::now();
    JobResult result = [&] {
      const TimeLimit watchdog(limit, run, limit_passed);
      return job->perform(arguments, context);
    }();
    out.ran = std::chrono::steady_clock::now() - *started;
    out.kind = result.kind();
    out.delay = result.delay();
    out.reason = result.reason();
    out.response = answer(result);
    out.stopped = result.kind() != JobResult::Kind::done && run.stop_requested();
    if (out.stopped) out.response = stopped(std::move(out.response), limit_passed, limit);
    return out;
  } catch (const std::exception& e) {
    ran_until_now();
    out.threw = true;
    out.exception = std::current_exception();
    out.reason = e.what();
    out.response = Response::refuse(500, std::string("job threw: ") + e.what());
  } catch (...) {
    ran_until_now();
    out.threw = true;
    out.exception = std::current_exception();
    out.reason = "a non-standard exception";
    out.response = Response::refuse(500, "job threw a non-standard exception");
  }
  return out;
}

}  // namespace ebworker
