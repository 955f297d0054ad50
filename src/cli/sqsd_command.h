#pragma once

#include <string>
#include <vector>

#include <ebworker/environment.h>
#include <ebworker/worker/job_registry.h>

namespace ebworker {

// `ebworker sqsd`: our aws-sqsd, for running the worker off Elastic Beanstalk (a laptop, CI, ECS,
// Kubernetes, a VM). Runs until SIGTERM or SIGINT, then stops gracefully.
int sqsd_command(const std::vector<std::string>& args, const JobRegistry& registry, const Environment& env);

}  // namespace ebworker
