#pragma once

#include <string>
#include <vector>

#include <ebworker/cli.h>

namespace ebworker {

// `ebworker dev`: the whole local stack in one command. Starts the local SQS (fauxqs) on
// 127.0.0.1, creates the queue and its dead-letter queue, starts the worker and the daemon,
// enqueues a demo job and shows it done, then runs until Ctrl-C.
int dev_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options);

}  // namespace ebworker
