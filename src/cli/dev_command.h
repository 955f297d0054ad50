#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <ebworker/worker/cli.h>
#include <ebworker/environment.h>

#include "core/settings.h"
#include "core/log_event.h"

namespace ebworker {

// `ebworker dev`: the whole local stack in one command. Starts the local SQS (fauxqs) on
// 127.0.0.1, creates the queue and its dead-letter queue, starts the worker and the daemon,
// enqueues a demo job and shows it done, writes a file another terminal sources to enqueue into
// the stack, then runs until Ctrl-C.
int dev_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options,
                Environment env);

struct DevConfig {
  std::uint16_t port = 5000;
  std::uint16_t sqs_port = 4566;
  std::string queue = "ebworker-jobs";
  bool once = false;
  std::string fauxqs_launcher;  // empty: looked for (cli/fauxqs_launcher.h)
  std::string log_level = "info";
  LogFormat log_format = LogFormat::text;
};

// dev's own options; the worker and the daemon it starts run with their defaults.
const std::vector<Setting<DevConfig>>& dev_settings();

}  // namespace ebworker
