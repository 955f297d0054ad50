#include "middleware/default_stack.h"

#include <stdexcept>

#include <ebworker/worker/middlewares.h>

#include "middleware/worker_endpoints.h"
#include "worker/dispatch.h"

namespace ebworker {

WorkerChain default_stack(const WorkerConfig& config, const JobRegistry& registry,
                          const std::optional<Signer>& signer, const CronFile& cron, App app,
                          std::stop_token shutdown, std::shared_ptr<const RetryHops> hops,
                          std::shared_ptr<JobCounters> counters) {
  WorkerChain chain;
  chain.stack.add<RequestLog>();
  if (!config.process_jobs) {
    chain.end = std::move(app);
    return chain;
  }
  if (!signer) throw std::invalid_argument("job processing needs a signer (SECRET_KEY_BASE)");
  if (!counters) counters = std::make_shared<JobCounters>();
  counters->recognise(registry.names());  // any other name counts as (unknown)
  chain.server_metrics = std::make_shared<ServerMetrics>(counters->registry(), config.job_threads);
  chain.stack.add<SourceCheck>(config.trusted_sources);
  const WorkerEndpointPaths paths{
      .metrics = config.metrics_path, .health = config.health_path, .status = config.status_path};
  if (!paths.metrics.empty() || !paths.health.empty() || !paths.status.empty()) {
    chain.stack.add<WorkerEndpoints>(WorkerEndpointSources{
        .paths = paths, .jobs = counters, .server = chain.server_metrics, .tasks = cron.tasks(), .shutdown = shutdown});
    chain.answer_inline = [paths](const Request& request) { return paths.matches(request.path); };
  }
  chain.stack.add<SqsdOnly>(std::move(app)).add<VerifySignature>(*signer);
  chain.end = Dispatch(registry, cron, std::move(shutdown), std::move(hops), std::move(counters));
  return chain;
}

}  // namespace ebworker
