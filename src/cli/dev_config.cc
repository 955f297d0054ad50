#include "cli/dev_config.h"

#include "core/log_settings.h"

namespace ebworker {

const std::vector<Setting<DevConfig>>& dev_settings() {
  static const std::vector<Setting<DevConfig>> settings = {
      {"EBWORKER_DEV_PORT", "--port", "5000", "the worker's port",
       number_setting<DevConfig, unsigned>(0, 65535,
                                           [](DevConfig& c, unsigned n) { c.port = static_cast<std::uint16_t>(n); })},
      {"EBWORKER_DEV_SQS_PORT", "--sqs-port", "4566", "fauxqs's port",
       number_setting<DevConfig, unsigned>(0, 65535,
                                           [](DevConfig& c, unsigned n) { c.sqs_port = static_cast<std::uint16_t>(n); })},
      {"EBWORKER_DEV_QUEUE", "--queue", "ebworker-jobs",
       "the queue; its dead-letter queue is NAME-dead-letters", named_setting(&DevConfig::queue, "a queue")},
      {"EBWORKER_DEV_ONCE", "--once", "false",
       "stop after the demo job (without EchoJob: the first job done); exit 0 when it was done",
       bool_setting(&DevConfig::once), true},
      {"EBWORKER_FAUXQS_LAUNCHER", "--fauxqs-launcher", "(the installed one, else scripts/fauxqs.mjs)",
       "the script that starts fauxqs on loopback", named_setting(&DevConfig::fauxqs_launcher, "a file")},
      log_level_setting<DevConfig>("EBWORKER_LOG_LEVEL", "the log level of all three"),
      log_format_setting<DevConfig>("EBWORKER_LOG_FORMAT", "the log format of all three: text or json"),
  };
  return settings;
}

}  // namespace ebworker
