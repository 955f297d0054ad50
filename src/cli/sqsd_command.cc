#include "cli/sqsd_command.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>

#include "cli/logging.h"
#include "cli/signals.h"
#include "cli/start_daemon.h"

namespace ebworker {

namespace {

int startup_error(const std::string& message) {
  std::fprintf(stderr, "ebworker sqsd: %s\n", message.c_str());
  return 2;
}

}  // namespace

int sqsd_command(const std::vector<std::string>& args, const JobRegistry& registry, const Environment& env) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("usage: ebworker sqsd [OPTIONS]\n\n%s", settings_help(sqsd_settings()).c_str());
      return 0;
    }
  const sigset_t signals = block_stop_signals();
  auto config = load_sqsd_config(env, args);
  if (!config) return startup_error(config.error().message);
  setup_logging(config->log_level, config->log_format);

  auto daemon = start_daemon(*config, registry, env);
  if (!daemon) return startup_error(daemon.error().message);
  const int received = wait_for_stop_signal(signals);
  spdlog::info("{}: finishing the posts in flight", strsignal(received));
  (*daemon)->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace ebworker
