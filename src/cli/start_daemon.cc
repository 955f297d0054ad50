#include "cli/start_daemon.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "core/environment_lookup.h"
#include "cron/cron_file.h"
#include "dynamodb/lease_table.h"
#include "sqs/sqs_endpoint.h"
#include "sqsd/queue_setup.h"

namespace ebworker {

namespace {

Result<std::vector<CronTask>> tasks_to_send(const SqsdConfig& config, const JobRegistry& registry, const Environment& env) {
  std::vector<CronTask> tasks;
  if (!config.leader || (!config.cron_file_required && !std::filesystem::exists(config.cron_file))) return tasks;
  auto cron = CronFile::load(config.cron_file, registry);
  if (!cron) return Unexpected{cron.error()};
  tasks = cron->tasks();
  // A test knob: the minute field read as seconds, so a test sees "every minute" each second.
  if (lookup_or(env, "EBWORKER_SQSD_CRON_SECONDS") == "1") {
    spdlog::warn("EBWORKER_SQSD_CRON_SECONDS=1: cron minute fields are read as seconds (a test knob)");
    for (auto& task : tasks) task.schedule = task.schedule.read_in_seconds();
  }
  return tasks;
}

Result<std::shared_ptr<const LeaseTable>> ready_leader_table(const SqsdConfig& config, const Environment& env) {
  if (!config.leader || config.leader_table.empty()) return std::shared_ptr<const LeaseTable>();
  auto dynamo = dynamodb_endpoint(env);
  if (!dynamo) return fail("--leader dynamodb:" + config.leader_table + ": " + dynamo.error().message);
  // Every call settles within a third of a lease, so a renewal that cannot succeed gives up
  // before the lease it would renew runs out.
  const auto third = std::chrono::milliseconds(std::chrono::seconds(config.leader_lease)) / 3;
  DynamoClientOptions options{.credentials = default_credentials_chain(env), .endpoint = *dynamo};
  options.retry.budget = third;
  options.request_timeout = std::min(options.request_timeout, third);
  options.connect_timeout = std::min(options.connect_timeout, third);
  auto table = std::make_shared<LeaseTable>(std::make_shared<DynamoClient>(std::move(options)), config.leader_table);
  if (auto ready = table->ensure_ready(config.create_leader_table); !ready)
    return fail("--leader dynamodb:" + config.leader_table + ": " + ready.error().message +
                (config.create_leader_table ? "" : "; --create-leader-table creates it"));
  return std::shared_ptr<const LeaseTable>(std::move(table));
}

}  // namespace

Result<std::unique_ptr<SqsdDaemon>> start_daemon(const SqsdConfig& config, const JobRegistry& registry,
                                                 const Environment& env, std::unique_ptr<Delivery> delivery) {
  auto tasks = tasks_to_send(config, registry, env);
  if (!tasks) return Unexpected{tasks.error()};

  SqsEndpointSettings endpoint = sqs_endpoint_settings(env);
  std::optional<QueueUrl> url;
  if (config.create_queues) {
    auto parsed = QueueUrl::parse(config.queue_url);
    if (!parsed) return fail("--queue-url: " + parsed.error().message);
    url = *parsed;
    // CreateQueue names no queue URL: where it goes and its region come from --queue-url, as
    // every other request's do, unless configured.
    if (endpoint.endpoint.empty()) endpoint.endpoint = url->origin();
    if (endpoint.region.empty()) endpoint.region = region_from_host(url->host);
  }
  auto sqs = std::make_shared<SqsClient>(SqsClientOptions{.credentials = default_credentials_chain(env),
                                                          .endpoint = endpoint});
  if (url) {
    auto created = create_queues(*sqs, url->name, config.max_retries);
    if (!created) return Unexpected{created.error()};
    spdlog::info("queue {} with dead-letter queue {} (after {} receives)", created->queue_url,
                 created->dead_letter_queue_url, config.max_retries);
  }

  auto table = ready_leader_table(config, env);
  if (!table) return Unexpected{table.error()};

  auto daemon = std::make_unique<SqsdDaemon>(config, sqs, std::move(tasks).value(), std::move(table).value(),
                                             std::move(delivery));
  if (auto started = daemon->start(); !started) return Unexpected{started.error()};
  return daemon;
}

}  // namespace ebworker
