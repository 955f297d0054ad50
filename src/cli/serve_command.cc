#include "cli/serve_command.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "cli/logging.h"
#include "config/worker_config.h"
#include "cron/cron_file.h"
#include "envelope/signer.h"
#include "http/server.h"
#include "middleware/default_stack.h"

namespace ebworker {

namespace {

int startup_error(const std::string& message) {
  std::fprintf(stderr, "ebworker serve: %s\n", message.c_str());
  return 2;
}

// cron.yaml is optional unless named explicitly.
Result<CronFile> load_cron(const WorkerConfig& config, const JobRegistry& registry) {
  if (!config.cron_file_required && !std::filesystem::exists(config.cron_file)) {
    spdlog::info("no {} here: no periodic tasks", config.cron_file);
    return CronFile{};
  }
  auto cron = CronFile::load(config.cron_file, registry);
  if (!cron) return cron;
  for (const auto& task : cron->tasks()) {
    spdlog::info("periodic task {} at {} on \"{}\"", task.name, task.url, task.schedule.text());
    if (task.url != config.periodic_path)
      spdlog::warn("{}:{}: task {} posts to {}, but periodic tasks are taken at {} "
                   "(EBWORKER_PERIODIC_PATH): it would be refused",
                   config.cron_file, task.line, task.name, task.url, config.periodic_path);
  }
  return cron;
}

}  // namespace

int serve_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("usage: ebworker serve [OPTIONS]\n\n%s", worker_settings_help().c_str());
      return 0;
    }

  // Signals are taken by sigwait below; block them before any thread starts so none of the
  // server's or the pool's threads receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto config = load_worker_config(process_environment(), args);
  if (!config) return startup_error(config.error().message);
  setup_logging(config->log_level);

  std::optional<Signer> signer;
  CronFile cron;
  if (config->process_jobs) {
    auto s = Signer::from_environment();
    if (!s) return startup_error(s.error().message + " (it signs and verifies every job)");
    signer = std::move(s).value();
    auto c = load_cron(*config, registry);
    if (!c) return startup_error(c.error().message);
    cron = std::move(c).value();
  }

  Stack stack = default_stack(*config, registry, signer, cron);
  if (options.edit_stack) options.edit_stack(stack);
  Server server(ServerOptions{.bind = config->bind,
                              .port = config->port,
                              .io_threads = config->io_threads,
                              .job_threads = config->job_threads,
                              .max_body = config->max_body},
                std::move(stack), std::move(options.app));
  if (auto started = server.start(); !started) return startup_error(started.error().message);

  const std::string host = config->bind.find(':') != std::string::npos ? "[" + config->bind + "]" : config->bind;
  spdlog::info("listening on http://{}:{} (job processing {}, {} job threads, {} jobs registered)", host,
               server.port(), config->process_jobs ? "on" : "off (EBWORKER_PROCESS_JOBS is not true)",
               config->job_threads, registry.names().size());

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("{}: refusing new jobs, waiting up to {}s for running ones", strsignal(received),
               config->shutdown_timeout.count());
  if (server.drain(config->shutdown_timeout)) {
    server.stop();
    spdlog::info("stopped");
    return 0;
  }
  // Jobs still running get no response at all, so the daemon retries their messages.
  spdlog::warn("shutdown timeout: jobs still running are cut off; their messages will be retried");
  spdlog::default_logger()->flush();
  std::_Exit(1);
}

}  // namespace ebworker
