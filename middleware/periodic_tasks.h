#pragma once
// Building the PeriodicTasks middleware (<ebworker/worker/middleware/periodic_tasks.h>) from the
// worker's parts.

#include <memory>

#include <ebworker/worker/middleware/periodic_tasks.h>

#include "cron/cron_file.h"
#include "worker/dispatch.h"
#include "worker/exclusive_runs.h"

namespace ebworker {

// `exclusive` takes the leases of cron.yaml's exclusive tasks; null when none is exclusive.
PeriodicTasks periodic_tasks(CronFile cron, Dispatch dispatch, std::shared_ptr<const ExclusiveRuns> exclusive = nullptr);

}  // namespace ebworker
