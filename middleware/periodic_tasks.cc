#include "middleware/periodic_tasks.h"

#include "job/job_context_from.h"
#include "job/job_runner.h"

namespace ebworker {

Response PeriodicTasks::call(Request& request, const Next& next) const {
  // A periodic task arrives at the periodic path, or at another url cron.yaml declares.
  const std::string* task = request.headers.find(sqsd_header::kTaskName);
  if (!task || (request.path != path_ && !cron_.declares_url(request.path))) return next(request);

  request.job_name = *task;
  if (!cron_.allows(*task, request.path))
    return Response::refuse(404, "periodic task " + *task + " is not declared in cron.yaml at " +
                                     request.path);
  JobContext context = job_context_from(request, *task);
  context.task_name = *task;
  context.scheduled_at = std::string(request.headers.get(sqsd_header::kScheduledAt));
  static const rapidjson::Value no_arguments(rapidjson::kArrayType);
  return run_job(registry_, *task, no_arguments, context);
}

}  // namespace ebworker
