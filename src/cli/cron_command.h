#pragma once

#include <string>
#include <vector>

#include <ebworker/environment.h>
#include <ebworker/worker/job_registry.h>

#include "core/settings.h"

namespace ebworker {

// `ebworker cron check [FILE]`: validates a cron.yaml with the same code the worker runs at
// start-up and prints each task's next three fire times (UTC).
int cron_command(const std::vector<std::string>& args, const JobRegistry& registry, const Environment& env);

struct CronCheckConfig {
  std::string file = "cron.yaml";
};

// `cron check`'s one setting: the file it checks when none is named.
const std::vector<Setting<CronCheckConfig>>& cron_check_settings();

}  // namespace ebworker
