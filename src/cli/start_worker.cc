#include "cli/start_worker.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "core/environment_lookup.h"
#include "cron/cron_file.h"
#include "envelope/signer.h"
#include "middleware/default_stack.h"
#include "sqs/sqs_endpoint.h"
#include "worker/busy_warning.h"
#include "worker/exclusive_runs.h"
#include "worker/limit_gate.h"
#include "worker/retry_hops.h"

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

// With EBWORKER_QUEUE_URL set (the worker's own queue), retry_in and retry policies send the
// next attempt there themselves; without it, the daemon's retries are all there is.
Result<std::shared_ptr<const RetryHops>> retry_hops(const WorkerConfig& config, const Signer& signer,
                                                    const Environment& env) {
  const auto queue = lookup(env, "EBWORKER_QUEUE_URL");
  if (!queue) {
    if (!config.dead_letter_queue_url.empty())
      return fail("EBWORKER_DEAD_LETTER_QUEUE_URL is set without EBWORKER_QUEUE_URL: retry policies need both");
    return std::shared_ptr<const RetryHops>();
  }
  auto client = Client::from_environment(env);
  if (!client) return fail("EBWORKER_QUEUE_URL is set, so the worker sends retries itself, but: " + client.error().message);
  if (auto url = QueueUrl::parse(*queue); url && url->fifo()) {
    spdlog::warn("EBWORKER_QUEUE_URL is a FIFO queue, which delays no single message: retry policies and "
                 "retry_in are left to the daemon");
    return std::shared_ptr<const RetryHops>();
  }
  spdlog::info("retries are sent to {} (dead-letter queue: {})", *queue,
               config.dead_letter_queue_url.empty() ? "none" : config.dead_letter_queue_url);
  // A Rails job's hops go out as it came in, active_elastic_job's signed as that gem signs.
  std::optional<Signer> aej_signer;
  if (config.accept.active_elastic_job) {
    auto made = Signer::create(HmacDigest::sha1, signing_keys_from(env));
    if (!made) return Unexpected{made.error()};
    aej_signer = std::move(made).value();
  }
  return std::make_shared<const RetryHops>(client->config(), signer, config.dead_letter_queue_url,
                                           std::move(aej_signer));
}

}  // namespace

Result<std::unique_ptr<Server>> start_worker(const WorkerConfig& config, const JobRegistry& registry,
                                             AppOptions options, const Environment& env,
                                             std::shared_ptr<JobCounters> jobs,
                                             std::shared_ptr<const PollerView> poller) {
  // Requested when the server stops accepting (SIGTERM): every running job's stop token is.
  auto shutdown = std::make_shared<std::stop_source>();
  std::optional<WorkerParts> parts;
  if (config.process_jobs) {
    auto signer = Signer::from_environment(env);
    if (!signer) return fail(signer.error().message + " (it signs and verifies every job)");
    auto cron = load_cron(config, registry);
    if (!cron) return Unexpected{cron.error()};
    auto exclusive = exclusive_runs_for(*cron, env);
    if (!exclusive) return Unexpected{exclusive.error()};
    auto hops = retry_hops(config, *signer, env);
    if (!hops) return Unexpected{hops.error()};
    if (!jobs) jobs = std::make_shared<JobCounters>();  // the limits count their use in its registry
    auto limits = limit_gate_for(registry, env, jobs->registry());
    if (!limits) return Unexpected{limits.error()};
    parts = WorkerParts{.keys = signing_keys_from(env),
                        .cron = std::move(cron).value(),
                        .shutdown = shutdown->get_token(),
                        .hops = std::move(hops).value(),
                        .counters = std::move(jobs),
                        .exclusive = std::move(exclusive).value(),
                        .limits = std::move(limits).value(),
                        .poller = std::move(poller)};
  }
  WorkerChain chain = default_stack(config, registry, std::move(parts), std::move(options.app));
  if (options.edit_stack) options.edit_stack(chain.stack);
  // The server's handler threads are the job threads: its busy refusals speak of them.
  std::shared_ptr<ServerObserver> observer = chain.server_metrics;
  if (!observer) observer = std::make_shared<BusyWarning>(config.job_threads);
  auto server = std::make_unique<Server>(ServerOptions{.bind = config.bind,
                                                       .port = config.port,
                                                       .io_threads = config.io_threads,
                                                       .handler_threads = config.job_threads,
                                                       .max_body = config.max_body,
                                                       .max_connections = config.max_connections,
                                                       .read_timeout = config.read_timeout,
                                                       .connection_timeout = config.connection_timeout,
                                                       .on_stop_accepting = [shutdown] { shutdown->request_stop(); },
                                                       .answer_inline = chain.answer_inline,
                                                       .busy_reason = job_threads_busy_reason(config.job_threads),
                                                       .observer = std::move(observer)},
                                         std::move(chain.stack), std::move(chain.end));
  if (auto started = server->start(); !started) return Unexpected{started.error()};

  const std::string host = config.bind.find(':') != std::string::npos ? "[" + config.bind + "]" : config.bind;
  spdlog::info("listening on http://{}:{} (job processing {}, {} job threads, {} jobs registered)", host,
               server->port(), config.process_jobs ? "on" : "off (EBWORKER_PROCESS_JOBS is not true)",
               config.job_threads, registry.names().size());
  return server;
}

}  // namespace ebworker
