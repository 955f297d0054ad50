#pragma once
// ebworker::worker: the worker endpoint, the local daemon and the command line.
//   worker/job.h             Job: name + perform(arguments, context); JobContext
//   worker/job_result.h      done(), fail("why"), retry_in(delay, "why"), discard("why")
//   worker/job_steps.h       continuable jobs: context.step(...), Step, the cursor, the budget
//   worker/job_log.h         JobLog: a job's log lines, tagged with its message and job id
//   worker/job_registry.h    JobRegistry: add<J>(options), the class's retry policy and limits
//   worker/flow_control.h    ConcurrencyLimit: at most N runs at once per key, across workers
//   worker/cli.h             run_cli(argc, argv, registry, options): the commands dev, serve,
//                            post, enqueue, sqsd, dlq, cron
//   worker/request.h         Request, as a middleware sees it
//   worker/response.h        Response: a status, headers, a body and the log line's reason
//   worker/headers.h         Headers: case-insensitive, in order
//   worker/middleware.h      Middleware::call(request, next), App
//   worker/stack.h           Stack: add, insert_before<T>, remove<T>
//   worker/middlewares.h     the default stack's middlewares, in order
// The web tier's API is <ebworker/client.h>; ebworker::worker links it too.

#include <ebworker/client.h>
#include <ebworker/worker/cli.h>
#include <ebworker/worker/flow_control.h>
#include <ebworker/worker/headers.h>
#include <ebworker/worker/job.h>
#include <ebworker/worker/job_log.h>
#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/job_result.h>
#include <ebworker/worker/job_steps.h>
#include <ebworker/worker/middleware.h>
#include <ebworker/worker/middlewares.h>
#include <ebworker/worker/request.h>
#include <ebworker/worker/response.h>
#include <ebworker/worker/stack.h>
