#include "middleware/default_stack.h"

#include <stdexcept>

#include <ebworker/worker/middlewares.h>

#include "middleware/periodic_tasks.h"
#include "middleware/worker_endpoints.h"
#include "worker/dispatch.h"

namespace ebworker {

namespace {

template <typename M>
M built(Result<M> middleware) {
  if (!middleware) throw std::invalid_argument(middleware.error().message);
  return std::move(middleware).value();
}

}  // namespace

WorkerChain default_stack(const WorkerConfig& config, const JobRegistry& registry, std::optional<WorkerParts> parts,
                          App app) {
  WorkerChain chain;
  chain.stack.add<RequestLog>();
  if (!config.process_jobs) {
    chain.end = std::move(app);
    return chain;
  }
  if (!parts) throw std::invalid_argument("job processing needs a signing key (SECRET_KEY_BASE)");
  auto counters = parts->counters ? parts->counters : std::make_shared<JobCounters>();
  counters->recognise(registry.names());  // any other name counts as (unknown)
  chain.server_metrics = std::make_shared<ServerMetrics>(counters->registry(), config.job_threads);
  std::vector<std::string> trusted;
  for (const auto& range : config.trusted_sources) trusted.push_back(range.text());
  chain.stack.add<SourceCheck>(built(SourceCheck::trusting(trusted)));
  const OwnEndpointPaths& paths = config.endpoints;
  if (paths.any()) {
    chain.stack.add<WorkerEndpoints>(std::make_shared<const WorkerEndpoints::Sources>(
        WorkerEndpoints::Sources{.paths = paths,
                                 .jobs = counters,
                                 .server = chain.server_metrics,
                                 .tasks = parts->cron.tasks(),
                                 .shutdown = parts->shutdown,
                                 .poller = parts->poller,
                                 .limits = parts->limits}));
    chain.answer_inline = [paths](const Request& request) { return paths.matches(request.path); };
  }
  const Dispatch dispatch(registry, parts->shutdown, std::move(parts->hops), std::move(counters),
                          {.job_time_budget = config.job_time_budget, .unknown_job_grace = config.unknown_job_grace},
                          std::move(parts->limits));
  chain.stack.add<SqsdOnly>(std::move(app))
      .add<PeriodicTasks>(periodic_tasks(std::move(parts->cron), dispatch, std::move(parts->exclusive)))
      .add<VerifySignature>(built(VerifySignature::with_keys(parts->keys.current, parts->keys.previous, config.accept)));
  chain.end = dispatch;
  return chain;
}

}  // namespace ebworker
