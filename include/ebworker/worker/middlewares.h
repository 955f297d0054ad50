#pragma once
// The default middlewares, by the names `Stack::insert_before<T>` and `remove<T>` take. The
// worker's chain, in order:
//   RequestLog → SourceCheck → SqsdOnly → VerifySignature → (yours, from Stack::add) → the jobs
// With job processing off it is RequestLog alone, in front of the app.

#include <ebworker/worker/middleware/request_log.h>
#include <ebworker/worker/middleware/source_check.h>
#include <ebworker/worker/middleware/sqsd_only.h>
#include <ebworker/worker/middleware/verify_signature.h>
