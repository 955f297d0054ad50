#pragma once

#include <string>

namespace ebworker {

// One line per event on stdout (where Elastic Beanstalk collects an app's log), UTC timestamps.
void setup_logging(const std::string& level);

}  // namespace ebworker
