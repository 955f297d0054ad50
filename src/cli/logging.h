#pragma once

#include <string>

#include "core/log_event.h"

namespace ebworker {

// One line per event on stdout (where Elastic Beanstalk collects an app's log), UTC timestamps:
// the text format's words, or one JSON object a line (core/log_event.h).
void setup_logging(const std::string& level, LogFormat format = LogFormat::text);

}  // namespace ebworker
