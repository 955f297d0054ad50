#pragma once
// The default middlewares, by the names `Stack::insert_before<T>` and `remove<T>` take. The
// worker's chain, in order:
//   RequestLog → SourceCheck → WorkerEndpoints → SqsdOnly → PeriodicTasks → VerifySignature → (yours, from Stack::add) → Dispatch
// WorkerEndpoints (health, metrics, status page) is the worker's own, as is PeriodicTasks's
// state (cron.yaml's tasks); the others can be built from these headers.
// With job processing off the chain is RequestLog alone, in front of the app.

#include <ebworker/worker/middleware/periodic_tasks.h>
#include <ebworker/worker/middleware/request_log.h>
#include <ebworker/worker/middleware/source_check.h>
#include <ebworker/worker/middleware/sqsd_only.h>
#include <ebworker/worker/middleware/verify_signature.h>
