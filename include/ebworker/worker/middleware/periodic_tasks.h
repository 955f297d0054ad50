#pragma once

#include <memory>
#include <string_view>

#include <ebworker/environment.h>
#include <ebworker/result.h>
#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/middleware.h>

namespace ebworker {

// Periodic tasks (a POST with X-Aws-Sqsd-Taskname) are answered here; every other request goes
// on down the chain. The daemon posts a task empty, so nobody can sign it: cron.yaml is the
// allow-list, and a task runs only when it is declared there at the path it arrived at (404
// otherwise). An `exclusive: true` task takes its lease first (skipped while another instance
// holds it, 503 when the lease table cannot be asked); a task whose previous run here is still
// going is skipped (200), unless its class allows overlap. Tasks never reach VerifySignature.
// The worker builds its own from its settings, counting the runs in its metrics; name it to place
// a middleware of yours before it:
//   stack.insert_before<ebworker::PeriodicTasks>(std::make_unique<Metrics>())  // tasks too
class PeriodicTasks : public Middleware {
 public:
  struct State;  // cron.yaml, the dispatcher and the leases: the worker's own
  explicit PeriodicTasks(std::shared_ptr<State> state);
  // cron.yaml's tasks, from its text: each runs the job class of its name in `jobs`, which must
  // outlive the middleware; the error says what in the text is wrong, or which class is not
  // registered. An exclusive task takes its lease in the DynamoDB table EBWORKER_LOCK_TABLE names
  // in `env` (with the credentials and endpoint the worker would use). Built this way its runs
  // are counted by itself, not in the worker's metrics.
  static Result<PeriodicTasks> declared_in(std::string_view cron_yaml, const JobRegistry& jobs,
                                           const Environment& env = process_environment());

  Response call(Request& request, const Next& next) const override;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ebworker
