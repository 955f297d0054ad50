#pragma once

#include <string>
#include <vector>

#include <ebworker/environment.h>
#include <ebworker/job_registry.h>

namespace ebworker {

// `ebworker cron check [FILE]`: validates a cron.yaml with the same code the worker runs at
// start-up and prints each task's next three fire times (UTC).
int cron_command(const std::vector<std::string>& args, const JobRegistry& registry, const Environment& env);

}  // namespace ebworker
