#include "cli/worker.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "cron/cron_file.h"
#include "envelope/signer.h"
#include "middleware/default_stack.h"

namespace ebworker {

namespace {

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
  }
  return cron;
}

}  // namespace

Result<std::unique_ptr<Server>> start_worker(const WorkerConfig& config, const JobRegistry& registry,
                                             AppOptions options, const Environment& env) {
  std::optional<Signer> signer;
  CronFile cron;
  if (config.process_jobs) {
    auto s = Signer::from_environment(env);
    if (!s) return fail(s.error().message + " (it signs and verifies every job)");
    signer = std::move(s).value();
    auto c = load_cron(config, registry);
    if (!c) return Unexpected{c.error()};
    cron = std::move(c).value();
  }

  // Requested when the server stops accepting (SIGTERM): every running job's stop token is.
  auto shutdown = std::make_shared<std::stop_source>();
  WorkerChain chain =
      default_stack(config, registry, signer, cron, std::move(options.app), shutdown->get_token());
  if (options.edit_stack) options.edit_stack(chain.stack);
  auto server = std::make_unique<Server>(ServerOptions{.bind = config.bind,
                                                       .port = config.port,
                                                       .io_threads = config.io_threads,
                                                       .job_threads = config.job_threads,
                                                       .max_body = config.max_body,
                                                       .read_timeout = config.read_timeout,
                                                       .connection_timeout = config.connection_timeout,
                                                       .on_stop_accepting = [shutdown] { shutdown->request_stop(); }},
                                         std::move(chain.stack), std::move(chain.end));
  if (auto started = server->start(); !started) return Unexpected{started.error()};

  const std::string host = config.bind.find(':') != std::string::npos ? "[" + config.bind + "]" : config.bind;
  spdlog::info("listening on http://{}:{} (job processing {}, {} job threads, {} jobs registered)", host,
               server->port(), config.process_jobs ? "on" : "off (EBWORKER_PROCESS_JOBS is not true)",
               config.job_threads, registry.names().size());
  return server;
}

}  // namespace ebworker
