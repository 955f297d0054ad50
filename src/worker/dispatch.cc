#include "worker/dispatch.h"

#include <mutex>
#include <set>
#include <string>

#include "envelope/envelope.h"
#include "worker/job_context.h"
#include "worker/job_runner.h"

namespace ebworker {

// The periodic tasks running now, by name.
struct Dispatch::RunningTasks {
  std::mutex mutex;
  std::set<std::string, std::less<>> names;
};

Dispatch::Dispatch(const JobRegistry& registry, CronFile cron, std::stop_token shutdown)
    : registry_(&registry),
      cron_(std::move(cron)),
      shutdown_(std::move(shutdown)),
      running_(std::make_shared<RunningTasks>()) {}

Response Dispatch::run_task(Request& request, std::string_view task) const {
  if (!cron_.allows(task, request.path))
    return Response::refuse(404, "periodic task " + std::string(task) + " is not declared in cron.yaml at " +
                                     request.path);
  const bool exclusive = !registry_->options(task).allow_overlap;
  if (exclusive) {
    std::lock_guard lock(running_->mutex);
    if (!running_->names.emplace(task).second) {
      Response skipped = Response::ok("skipped\n");
      skipped.reason = "skipped: the previous run of " + std::string(task) + " is still going";
      return skipped;
    }
  }
  JobContext context = job_context(request, task, {});
  static const rapidjson::Value no_arguments(rapidjson::kArrayType);
  Response response = run_job(*registry_, task, no_arguments, context, shutdown_);
  if (exclusive) {
    std::lock_guard lock(running_->mutex);
    running_->names.erase(running_->names.find(task));
  }
  return response;
}

Response Dispatch::operator()(Request& request) const {
  const std::string_view task = request.task_name();
  if (!task.empty()) {
    Response response = run_task(request, task);
    response.job = std::string(task);
    return response;
  }

  Response response;
  auto envelope = Envelope::parse(request.body);
  if (!envelope) return Response::refuse(400, "body is not a valid job envelope: " + envelope.error().message);
  JobContext context = job_context(request, envelope->job_class, envelope->job_id);
  response = run_job(*registry_, envelope->job_class, envelope->arguments, context, shutdown_);
  response.job = envelope->job_class;
  return response;
}

}  // namespace ebworker
