#pragma once

#include <string>
#include <vector>

#include <ebworker/worker/cli.h>
#include <ebworker/environment.h>
#include <ebworker/worker/job_registry.h>

namespace ebworker {

// `ebworker serve`: configure from the environment and flags, listen, run jobs until SIGTERM or
// SIGINT, then drain gracefully. Returns the process exit code.
int serve_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options,
                  const Environment& env);

}  // namespace ebworker
