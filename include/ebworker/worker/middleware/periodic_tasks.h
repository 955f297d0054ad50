#pragma once

#include <memory>

#include <ebworker/worker/middleware.h>

namespace ebworker {

// Periodic tasks (a POST with X-Aws-Sqsd-Taskname) are answered here; every other request goes
// on down the chain. The daemon posts a task empty, so nobody can sign it: cron.yaml is the
// allow-list, and a task runs only when it is declared there at the path it arrived at (404
// otherwise). An `exclusive: true` task takes its lease first (skipped while another instance
// holds it, 503 when the lease table cannot be asked); a task whose previous run here is still
// going is skipped (200), unless its class allows overlap. Tasks never reach VerifySignature.
// The worker builds it from its settings; name it to place a middleware of yours before it:
//   stack.insert_before<ebworker::PeriodicTasks>(std::make_unique<Metrics>())  // tasks too
class PeriodicTasks : public Middleware {
 public:
  struct State;  // cron.yaml, the dispatcher and the leases: the worker's own
  explicit PeriodicTasks(std::shared_ptr<State> state);
  Response call(Request& request, const Next& next) const override;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ebworker
