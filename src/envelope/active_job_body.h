#pragma once
// ActiveJob's serialized job, the body Rails' queue adapters send (docs/rails.md), Rails 5.2
// through 8.1:
//   {"job_class":"Admin::SyncJob","job_id":"…","provider_job_id":null,"queue_name":"default",
//    "priority":null,"arguments":[…],"executions":0,"exception_executions":{},"locale":"en",
//    "timezone":"UTC","enqueued_at":"2026-11-23T10:31:40.123456789Z","scheduled_at":null}
// Every key but job_class, job_id and arguments may be missing; enqueued_at and scheduled_at
// are ISO 8601 UTC with 0 to 9 fraction digits, or null; keys this worker has no use for
// (priority, locale, timezone, exception_executions, …) are kept as they are. "continuation"
// and "resumptions" are read as an ebworker envelope's (a continuable job's progress), and
// written back as the envelope says when it is handed on.

#include <string>
#include <string_view>

#include <ebworker/result.h>

#include "envelope/active_job_arguments.h"
#include "envelope/envelope.h"

namespace ebworker {

// How deep a body may nest: an envelope's arguments' limit, plus the body's own level.
inline constexpr std::size_t kActiveJobBodyDepth = 129;

// The envelope of an ActiveJob body: its arguments decoded (active_job_arguments.h), the body
// itself kept. An unknown serializer is told apart from a malformed body.
Result<Envelope, ArgumentsProblem> parse_active_job(std::string_view body, MessageFormat format);

// The body of an envelope whose format is ActiveJob's: the one received, with `executions` and
// `scheduled_at` as the envelope now says; for one made here (no body received), the shape Rails
// 7.1 and later write, its arguments as given.
std::string active_job_json(const Envelope& envelope);

}  // namespace ebworker
