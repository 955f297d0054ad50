#include "cli/serve_command.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "cli/logging.h"
#include "cli/signals.h"
#include "cli/start_worker.h"
#include "worker/worker_config.h"
#include "worker/emf_reporter.h"

namespace ebworker {

namespace {

int startup_error(const std::string& message) {
  std::fprintf(stderr, "ebworker serve: %s\n", message.c_str());
  return 2;
}

}  // namespace

int serve_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options,
                  const Environment& env) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("usage: ebworker serve [OPTIONS]\n\n%s", worker_settings_help().c_str());
      return 0;
    }

  const sigset_t signals = block_stop_signals();

  auto config = load_worker_config(env, args);
  if (!config) return startup_error(config.error().message);
  setup_logging(config->log_level, config->log_format);
  if (config->trust_gateway)
    spdlog::info("EBWORKER_TRUSTED_SOURCES: trusting the default gateway {} (from /proc/net/route)",
                 config->trusted_gateway);

  const auto jobs = std::make_shared<JobCounters>();
  auto server = start_worker(*config, registry, std::move(options), env, jobs);
  if (!server) return startup_error(server.error().message);
  Server& worker = **server;
  std::unique_ptr<EmfReporter> emf;
  if (config->metrics_emf)
    emf = std::make_unique<EmfReporter>(jobs, config->metrics_namespace, config->metrics_emf_interval,
                                        emf_stdout_writer());

  const int received = wait_for_stop_signal(signals);
  worker.stop_accepting();  // before saying so: a request sent after this line must get 503
  spdlog::info("{}: refusing new jobs, waiting up to {}s for running ones", strsignal(received),
               config->shutdown_timeout.count());
  if (worker.drain(config->shutdown_timeout)) {
    worker.stop();
    if (emf) emf->stop();  // its final record: what ran since the last one
    spdlog::info("stopped; job totals: {}", jobs->describe());
    return 0;
  }
  if (emf) emf->stop();
  spdlog::info("job totals so far: {}", jobs->describe());
  // Jobs still running get no response at all, so the daemon retries their messages.
  spdlog::warn("shutdown timeout: jobs still running are cut off; their messages will be retried");
  spdlog::default_logger()->flush();
  std::_Exit(1);
}

}  // namespace ebworker
