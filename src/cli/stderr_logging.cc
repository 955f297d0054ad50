#include "cli/stderr_logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "core/environment_lookup.h"
#include "core/log_event.h"

namespace ebworker {

void log_to_stderr(const Environment& env) {
  auto logger = std::make_shared<spdlog::logger>("ebworker", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(text_log_formatter());
  const auto level = lookup(env, "EBWORKER_LOG_LEVEL");
  logger->set_level(level ? spdlog::level::from_str(std::string(*level)) : spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace ebworker
