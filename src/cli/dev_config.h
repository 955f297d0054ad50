#pragma once
// Configuration of `ebworker dev`: its own options, each a flag and an environment variable. The
// worker and the daemon it starts run with their defaults.

#include <cstdint>
#include <string>
#include <vector>

#include "core/log_event.h"
#include "core/settings.h"

namespace ebworker {

struct DevConfig {
  std::uint16_t port = 5000;
  std::uint16_t sqs_port = 4566;
  std::string queue = "ebworker-jobs";
  bool once = false;
  std::string fauxqs_launcher;  // empty: looked for (cli/fauxqs_launcher.h)
  std::string log_level = "info";
  LogFormat log_format = LogFormat::text;
};

const std::vector<Setting<DevConfig>>& dev_settings();

}  // namespace ebworker
