#pragma once

#include <optional>

#include "config/worker_config.h"
#include "cron/cron_file.h"
#include "envelope/signer.h"
#include "http/stack.h"
#include "job/job_registry.h"

namespace ebworker {

// The default worker chain, in order:
//   RequestLog → SourceCheck → SqsdOnly → PeriodicTasks → VerifySignature → Dispatch
// With job processing off, only RequestLog: every request goes straight to the app, so one
// binary can serve the web tier too. `signer` is required when processing is on.
Stack default_stack(const WorkerConfig& config, const JobRegistry& registry,
                    const std::optional<Signer>& signer, const CronFile& cron);

}  // namespace ebworker
