#pragma once
// Starting the daemon from its configuration: cron.yaml's tasks (for a leader), the SQS client,
// the queues (--create-queues), the DynamoDB leader table (--leader dynamodb:TABLE), then the
// daemon itself. `ebworker sqsd` (posting over HTTP) and `ebworker serve --queue-url` (running
// each message on its own job threads) share it.

#include <memory>

#include <ebworker/environment.h>
#include <ebworker/worker/job_registry.h>

#include "sqsd/delivery.h"
#include "sqsd/sqsd_config.h"
#include "sqsd/sqsd_daemon.h"

namespace ebworker {

// Polling when it returns. `delivery` as SqsdDaemon takes it (null: HTTP to config.worker_url).
// Errors name the option or file at fault.
Result<std::unique_ptr<SqsdDaemon>> start_daemon(const SqsdConfig& config, const JobRegistry& registry,
                                                 const Environment& env, std::unique_ptr<Delivery> delivery = nullptr);

}  // namespace ebworker
