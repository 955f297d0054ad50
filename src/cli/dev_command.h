#pragma once

#include <string>
#include <vector>

#include <ebworker/worker/cli.h>
#include <ebworker/environment.h>

namespace ebworker {

// `ebworker dev`: the whole local stack in one command. Starts the local SQS (fauxqs) on
// 127.0.0.1, creates the queue and its dead-letter queue, starts the worker and the daemon,
// enqueues a demo job and shows it done, writes a file another terminal sources to enqueue into
// the stack, then runs until Ctrl-C.
int dev_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options,
                Environment env);

}  // namespace ebworker
