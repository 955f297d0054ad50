#pragma once
// The commands' logging set-up: one logger, the default one, for the whole process.

#include <string>

#include <ebworker/environment.h>

#include "core/log_event.h"

namespace ebworker {

// The long-running commands (serve, sqsd, dev): one line per event on stdout (where Elastic
// Beanstalk collects an app's log), UTC timestamps: the text format's words, or one JSON object
// a line (core/log_event.h).
void setup_logging(const std::string& level, LogFormat format = LogFormat::text);

// The commands whose stdout is their answer (enqueue, dlq), so a script can capture it: log
// lines go to stderr, and only warnings and errors unless EBWORKER_LOG_LEVEL says otherwise.
void log_to_stderr(const Environment& env);

}  // namespace ebworker
