#include "worker/dispatch.h"

#include "envelope/envelope.h"
#include "worker/job_context.h"
#include "worker/job_runner.h"

namespace ebworker {

Response Dispatch::operator()(Request& request) const {
  const std::string_view task = request.task_name();
  Response response;
  if (!task.empty()) {
    if (!cron_.allows(task, request.path)) {
      response = Response::refuse(404, "periodic task " + std::string(task) +
                                           " is not declared in cron.yaml at " + request.path);
    } else {
      JobContext context = job_context(request, task, {});
      static const rapidjson::Value no_arguments(rapidjson::kArrayType);
      response = run_job(*registry_, task, no_arguments, context);
    }
    response.job = std::string(task);
    return response;
  }

  auto envelope = Envelope::parse(request.body);
  if (!envelope) return Response::refuse(400, "body is not a valid job envelope: " + envelope.error().message);
  JobContext context = job_context(request, envelope->job_class, envelope->job_id);
  response = run_job(*registry_, envelope->job_class, envelope->arguments, context);
  response.job = envelope->job_class;
  return response;
}

}  // namespace ebworker
