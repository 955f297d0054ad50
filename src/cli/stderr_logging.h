#pragma once

#include <ebworker/environment.h>

namespace ebworker {

// For the commands whose stdout is their answer (enqueue, dlq), so a script can capture it: log
// lines go to stderr, and only warnings and errors unless EBWORKER_LOG_LEVEL says otherwise.
void log_to_stderr(const Environment& env);

}  // namespace ebworker
