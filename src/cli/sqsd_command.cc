#include "cli/sqsd_command.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "cli/logging.h"
#include "cli/signals.h"
#include "core/environment_lookup.h"
#include "cron/cron_file.h"
#include "dynamodb/lease_table.h"
#include "sqs/sqs_endpoint.h"
#include "sqsd/queue_setup.h"
#include "sqsd/sqsd_daemon.h"

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

  std::vector<CronTask> tasks;
  if (config->leader && (config->cron_file_required || std::filesystem::exists(config->cron_file))) {
    auto cron = CronFile::load(config->cron_file, registry);
    if (!cron) return startup_error(cron.error().message);
    tasks = cron->tasks();
    // A test knob: the minute field read as seconds, so a test sees "every minute" each second.
    if (lookup_or(env, "EBWORKER_SQSD_CRON_SECONDS") == "1") {
      spdlog::warn("EBWORKER_SQSD_CRON_SECONDS=1: cron minute fields are read as seconds (a test knob)");
      for (auto& task : tasks) task.schedule = task.schedule.read_in_seconds();
    }
  }

  SqsEndpointSettings endpoint = sqs_endpoint_settings(env);
  std::optional<QueueUrl> url;
  if (config->create_queues) {
    auto parsed = QueueUrl::parse(config->queue_url);
    if (!parsed) return startup_error("--queue-url: " + parsed.error().message);
    url = *parsed;
    // CreateQueue names no queue URL: where it goes and its region come from --queue-url, as
    // every other request's do, unless configured.
    if (endpoint.endpoint.empty()) endpoint.endpoint = url->origin();
    if (endpoint.region.empty()) endpoint.region = region_from_host(url->host);
  }
  auto sqs = std::make_shared<SqsClient>(SqsClientOptions{.credentials = default_credentials_chain(env),
                                                          .endpoint = endpoint});
  if (url) {
    auto created = create_queues(*sqs, url->name, config->max_retries);
    if (!created) return startup_error(created.error().message);
    spdlog::info("queue {} with dead-letter queue {} (after {} receives)", created->queue_url,
                 created->dead_letter_queue_url, config->max_retries);
  }

  std::shared_ptr<const LeaseTable> leader_table;
  if (config->leader && !config->leader_table.empty()) {
    auto dynamo = dynamodb_endpoint(env);
    if (!dynamo) return startup_error("--leader dynamodb:" + config->leader_table + ": " + dynamo.error().message);
    // Every call settles within a third of a lease, so a renewal that cannot succeed gives up
    // before the lease it would renew runs out.
    const auto third = std::chrono::milliseconds(std::chrono::seconds(config->leader_lease)) / 3;
    DynamoClientOptions options{.credentials = default_credentials_chain(env), .endpoint = *dynamo};
    options.retry.budget = third;
    options.request_timeout = std::min(options.request_timeout, third);
    options.connect_timeout = std::min(options.connect_timeout, third);
    auto table = std::make_shared<LeaseTable>(std::make_shared<DynamoClient>(std::move(options)), config->leader_table);
    if (auto ready = table->ensure_ready(config->create_leader_table); !ready)
      return startup_error("--leader dynamodb:" + config->leader_table + ": " + ready.error().message +
                           (config->create_leader_table ? "" : "; --create-leader-table creates it"));
    leader_table = std::move(table);
  }

  SqsdDaemon daemon(*config, sqs, std::move(tasks), std::move(leader_table));
  if (auto started = daemon.start(); !started) return startup_error(started.error().message);
  const int received = wait_for_stop_signal(signals);
  spdlog::info("{}: finishing the posts in flight", strsignal(received));
  daemon.stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace ebworker
