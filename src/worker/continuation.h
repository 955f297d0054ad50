#pragma once
// A continuable job's progress (include/ebworker/worker/job_steps.h) between the message and the
// run: read from the envelope's "continuation" field for the run's context, and written from the
// context into the continuation the worker sends when the run hands on.

#include <rapidjson/document.h>

#include <string>

#include <ebworker/worker/job_steps.h>

namespace ebworker {

// `field` is the envelope's continuation (check_continuation's shape), or null: none.
Continuation continuation_of(const rapidjson::Value& field);

// {"completed":[…],"current":[name, cursor]}, "current" left out between steps.
rapidjson::Document continuation_json(const Continuation& continuation);

// Where it stands, for a log line: "after step rows" or "in step rows at cursor 57".
std::string where_steps_stand(const Continuation& continuation);

}  // namespace ebworker
