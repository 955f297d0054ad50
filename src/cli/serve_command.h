#pragma once

#include <string>
#include <vector>

#include "http/middleware.h"
#include "job/job_registry.h"

namespace ebworker {

// `ebworker serve`: configure from the environment and flags, listen, run jobs until SIGTERM or
// SIGINT, then drain gracefully. Returns the process exit code.
int serve_command(const std::vector<std::string>& args, const JobRegistry& registry, App app);

}  // namespace ebworker
