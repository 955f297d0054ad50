#pragma once
// The default middlewares, by the names `Stack::insert_before<T>` and `remove<T>` take. The
// worker's chain, in order:
//   RequestLog → SourceCheck → WorkerEndpoints → SqsdOnly → PeriodicTasks → VerifySignature → (yours, from Stack::add) → Dispatch
// Each can be built from these headers alone: SourceCheck::trusting(ranges),
// WorkerEndpoints::at(paths), SqsdOnly(app), PeriodicTasks::declared_in(cron.yaml, jobs),
// VerifySignature::with_keys(secret). The worker's own WorkerEndpoints and PeriodicTasks read
// and count into its metrics.
// With job processing off the chain is RequestLog alone, in front of the app.

#include <ebworker/worker/middleware/periodic_tasks.h>
#include <ebworker/worker/middleware/request_log.h>
#include <ebworker/worker/middleware/source_check.h>
#include <ebworker/worker/middleware/sqsd_only.h>
#include <ebworker/worker/middleware/verify_signature.h>
#include <ebworker/worker/middleware/worker_endpoints.h>
