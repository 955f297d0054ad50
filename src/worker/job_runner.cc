#include "worker/job_runner.h"

#include <exception>
#include <string>

namespace ebworker {

Response run_job(const JobRegistry& registry, std::string_view job_name,
                 const rapidjson::Value& arguments, JobContext& context) {
  try {
    // The factory is the job's own code too (its constructor): inside the try.
    auto job = registry.create(job_name);
    if (!job) return Response::refuse(404, "unknown job " + std::string(job_name));
    const JobResult result = job->perform(arguments, context);
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
  } catch (const std::exception& e) {
    return Response::refuse(500, std::string("job threw: ") + e.what());
  } catch (...) {
    return Response::refuse(500, "job threw a non-standard exception");
  }
}

}  // namespace ebworker
