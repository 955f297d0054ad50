#include "middleware/default_stack.h"

#include <stdexcept>

#include "middleware/dispatch.h"
#include "middleware/periodic_tasks.h"
#include "middleware/request_log.h"
#include "middleware/source_check.h"
#include "middleware/sqsd_only.h"
#include "middleware/verify_signature.h"

namespace ebworker {

Stack default_stack(const WorkerConfig& config, const JobRegistry& registry,
                    const std::optional<Signer>& signer, const CronFile& cron) {
  Stack stack;
  stack.add<RequestLog>();
  if (!config.process_jobs) return stack;
  if (!signer) throw std::invalid_argument("job processing needs a signer (SECRET_KEY_BASE)");
  stack.add<SourceCheck>(config.trusted_sources)
      .add<SqsdOnly>()
      .add<PeriodicTasks>(registry, cron, config.periodic_path)
      .add<VerifySignature>(*signer)
      .add<Dispatch>(registry);
  return stack;
}

}  // namespace ebworker
