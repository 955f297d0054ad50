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
    if (!result) return Response::refuse(500, "job failed: " + result.error().message);
    return Response::ok();
  } catch (const std::exception& e) {
    return Response::refuse(500, std::string("job threw: ") + e.what());
  } catch (...) {
    return Response::refuse(500, "job threw a non-standard exception");
  }
}

}  // namespace ebworker
