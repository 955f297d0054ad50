#include "cli/serve_command.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "cli/logging.h"
#include "cli/signals.h"
#include "cli/start_daemon.h"
#include "cli/start_worker.h"
#include "sqsd/local_delivery.h"
#include "sqsd/sqsd_config.h"
#include "sqsd/sqsd_metrics.h"
#include "worker/poller_view.h"
#include "worker/worker_config.h"
#include "worker/emf_reporter.h"

namespace ebworker {

namespace {

int startup_error(const std::string& message) {
  std::fprintf(stderr, "ebworker serve: %s\n", message.c_str());
  return 2;
}

// The poller's settings that follow the worker's: as many messages in flight as job threads, the
// worker's cron file (the tasks it allows are the tasks it sends).
void follow_worker(SqsdConfig& poller, const WorkerConfig& worker) {
  poller.http_connections = static_cast<int>(worker.job_threads);
  poller.cron_file = worker.cron_file;
  poller.cron_file_required = worker.cron_file_required;
}

}  // namespace

int serve_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options,
                  const Environment& env) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("usage: ebworker serve [OPTIONS]\n\n%s\nWith a queue URL the worker polls the queue itself "
                  "(no `ebworker sqsd` beside it), with these options of `ebworker sqsd`:\n%s",
                  worker_settings_help().c_str(), settings_help(in_process_sqsd_settings()).c_str());
      return 0;
    }

  const sigset_t signals = block_stop_signals();

  const InProcessOptions words = split_in_process_options(args);
  auto config = load_worker_config(env, words.rest);
  if (!config) return startup_error(config.error().message);
  auto queue = load_in_process_sqsd_config(env, words.poller);
  if (!queue) return startup_error(queue.error().message);
  const bool polls = !queue->queue_url.empty();
  if (polls && !config->process_jobs)
    return startup_error("EBWORKER_SQSD_QUEUE_URL (--queue-url) runs jobs: it needs EBWORKER_PROCESS_JOBS=true");
  setup_logging(config->log_level, config->log_format);
  if (config->trust_gateway)
    spdlog::info("EBWORKER_TRUSTED_SOURCES: trusting the default gateway {} (from /proc/net/route)",
                 config->trusted_gateway);

  const auto jobs = std::make_shared<JobCounters>();
  const auto poller_view = polls ? std::make_shared<PollerView>() : nullptr;
  auto server = start_worker(*config, registry, std::move(options), env, jobs, poller_view);
  if (!server) return startup_error(server.error().message);
  Server& worker = **server;
  std::unique_ptr<SqsdDaemon> poller;  // after the server: stopped and gone before it
  if (polls) {
    follow_worker(*queue, *config);
    auto started = start_daemon(*queue, registry, env, std::make_unique<LocalDelivery>(worker));
    if (!started) return startup_error(started.error().message);
    poller = std::move(started).value();
    poller_view->attach({.receiving =
                             [daemon = poller.get()] {
                               const SqsdDaemon::Health h = daemon->health();
                               return h.healthy || h.stopping;
                             },
                         .metrics =
                             [daemon = poller.get()] {
                               const SqsdDaemon::Health h = daemon->health();
                               return sqsd_metrics_text(daemon->counters(), h.leader_state == "leader", h.worker_up);
                             }});
  }
  std::unique_ptr<EmfReporter> emf;
  if (config->metrics_emf)
    emf = std::make_unique<EmfReporter>(jobs, config->metrics_namespace, config->metrics_emf_interval,
                                        emf_stdout_writer());

  const int received = wait_for_stop_signal(signals);
  if (poller) poller->stop_receiving();  // first: no receive starts after the signal
  worker.stop_accepting();  // before saying so: a request sent after this line must get 503
  spdlog::info("{}: refusing new jobs, waiting up to {}s for running ones", strsignal(received),
               config->shutdown_timeout.count());
  const auto deadline = std::chrono::steady_clock::now() + config->shutdown_timeout;
  bool drained = worker.drain(config->shutdown_timeout);
  if (poller) {
    // Every job answered: its message's delete or release may still be on its way (a release
    // calls SQS), so a few seconds more. Jobs cut off: the answered ones' deletes are sent now.
    using std::chrono::milliseconds;
    const auto left = std::max(std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now()),
                               milliseconds(0));
    drained = poller->stop(drained ? std::max(left, milliseconds(10000)) : left) && drained;
  }
  if (drained) {
    if (poller_view) poller_view->detach();
    poller.reset();
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
