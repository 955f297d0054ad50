#include "middleware/default_stack.h"

#include <stdexcept>

#include <ebworker/middlewares.h>

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
  chain.stack.add<SourceCheck>(config.trusted_sources).add<SqsdOnly>(std::move(app)).add<VerifySignature>(*signer);
  chain.end = Dispatch(registry, cron, std::move(shutdown), std::move(hops), std::move(counters));
  return chain;
}

}  // namespace ebworker
