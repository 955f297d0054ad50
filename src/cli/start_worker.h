#pragma once
// Starting the worker endpoint from its configuration: the signer, cron.yaml, the default stack
// (as the app edits it) and the listener. `ebworker serve` and `ebworker dev` share it.

#include <memory>

#include <ebworker/worker/cli.h>

#include "worker/worker_config.h"
#include "http/server.h"
#include "worker/job_counters.h"
#include "worker/poller_view.h"

namespace ebworker {

// Listening when it returns. Errors name the variable or file at fault.
// `env` gives the signing keys (SECRET_KEY_BASE, SECRET_KEY_BASE_PREVIOUS) and the SQS settings
// retries are sent with; `jobs` counts every job's outcome; `poller`, when the worker polls its
// queue itself, shows the poller on its health and metrics paths.
Result<std::unique_ptr<Server>> start_worker(const WorkerConfig& config, const JobRegistry& registry,
                                             AppOptions options, const Environment& env,
                                             std::shared_ptr<JobCounters> jobs,
                                             std::shared_ptr<const PollerView> poller = nullptr);

}  // namespace ebworker
