#include "middleware/periodic_tasks.h"

#include <mutex>
#include <set>
#include <string>

namespace ebworker {

struct PeriodicTasks::State {
  State(CronFile c, Dispatch d, std::shared_ptr<const ExclusiveRuns> e)
      : cron(std::move(c)), dispatch(std::move(d)), exclusive(std::move(e)) {}

  CronFile cron;
  Dispatch dispatch;
  std::shared_ptr<const ExclusiveRuns> exclusive;
  // The tasks running here now, by name.
  std::mutex mutex{};
  std::set<std::string, std::less<>> running{};

  Response refuse(int status, std::string reason, std::string_view task) const {
    Outcome outcome = Outcome::refused(JobOutcome::failed, status, std::move(reason));
    outcome.job = std::string(task);
    return dispatch.answer(std::move(outcome));
  }
  Response skip(std::string reason, std::string_view task) const {
    Outcome outcome = Outcome::accepted(JobOutcome::skipped, std::move(reason), "skipped\n");
    outcome.job = std::string(task);
    return dispatch.answer(std::move(outcome));
  }
  Response run(Request& request, const CronTask& task);
};

PeriodicTasks periodic_tasks(CronFile cron, Dispatch dispatch, std::shared_ptr<const ExclusiveRuns> exclusive) {
  return PeriodicTasks(std::make_shared<PeriodicTasks::State>(std::move(cron), std::move(dispatch), std::move(exclusive)));
}

PeriodicTasks::PeriodicTasks(std::shared_ptr<State> state) : state_(std::move(state)) {}

Result<PeriodicTasks> PeriodicTasks::declared_in(std::string_view cron_yaml, const JobRegistry& jobs,
                                                 const Environment& env) {
  auto cron = CronFile::parse(cron_yaml, "cron.yaml", jobs);
  if (!cron) return Unexpected{cron.error()};
  auto exclusive = exclusive_runs_for(*cron, env);
  if (!exclusive) return Unexpected{exclusive.error()};
  return periodic_tasks(std::move(cron).value(), Dispatch(jobs), std::move(exclusive).value());
}

Response PeriodicTasks::call(Request& request, const Next& next) const {
  const std::string_view name = request.task_name();
  if (name.empty()) return next(request);
  const CronTask* task = state_->cron.allows(name, request.path) ? state_->cron.find(name) : nullptr;
  if (!task)
    return state_->refuse(404, "periodic task " + std::string(name) + " is not declared in cron.yaml at " + request.path,
                          name);
  return state_->run(request, *task);
}

Response PeriodicTasks::State::run(Request& request, const CronTask& task) {
  std::unique_ptr<ExclusiveRuns::Lock> lease;  // held until the run ends
  if (task.exclusive && exclusive) {
    auto taken = exclusive->take(task.name);
    if (!taken)
      return refuse(503, "could not take the lease of exclusive task " + task.name + ": " + taken.error().message,
                    task.name);
    if (!*taken) return skip("skipped: another instance's run holds its claim", task.name);
    lease = std::move(*taken);
  }
  const bool one_at_a_time = !dispatch.registry().options(task.name).allow_overlap;
  if (one_at_a_time) {
    std::lock_guard lock(mutex);
    if (!running.emplace(task.name).second)
      return skip("skipped: the previous run of " + task.name + " is still going", task.name);
  }
  Response response = dispatch.run_task(request, task.name);
  if (one_at_a_time) {
    std::lock_guard lock(mutex);
    running.erase(running.find(task.name));
  }
  return response;
}

}  // namespace ebworker
