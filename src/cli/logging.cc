#include "cli/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "core/environment_lookup.h"

namespace ebworker {

void setup_logging(const std::string& level, LogFormat format) {
  auto logger = spdlog::stdout_logger_mt("ebworker");
  if (format == LogFormat::json) logger->set_formatter(json_log_formatter());
  else logger->set_formatter(text_log_formatter());
  set_log_format(format);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void log_to_stderr(const Environment& env) {
  auto logger = std::make_shared<spdlog::logger>("ebworker", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(text_log_formatter());
  const auto level = lookup(env, "EBWORKER_LOG_LEVEL");
  logger->set_level(level ? spdlog::level::from_str(std::string(*level)) : spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace ebworker
