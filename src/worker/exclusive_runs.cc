#include "worker/exclusive_runs.h"

#include <spdlog/spdlog.h>

#include "aws/credentials_chain.h"
#include "core/environment_lookup.h"
#include "cron/cron_file.h"
#include "dynamodb/dynamodb_endpoint.h"

namespace ebworker {

namespace {

std::chrono::sys_seconds now_seconds() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

ExclusiveRuns::ExclusiveRuns(std::shared_ptr<const LeaseTable> table, std::string holder, std::chrono::seconds lease)
    : table_(std::move(table)), holder_(std::move(holder)), lease_(lease) {}

Result<std::unique_ptr<ExclusiveRuns::Lock>> ExclusiveRuns::take(std::string_view task) const {
  // A token per run: two runs in one process are two holders.
  std::string holder = holder_ + "/" + random_token();
  std::string key = lock_key(task);
  const auto now = now_seconds();
  auto taken = table_->take(key, holder, now, now + lease_);
  if (!taken) return fail(taken.error().describe());
  if (!*taken) return std::unique_ptr<Lock>();
  return std::make_unique<Lock>(table_, std::move(key), std::move(holder), lease_);
}

Result<std::shared_ptr<const ExclusiveRuns>> exclusive_runs_for(const CronFile& cron, const Environment& env) {
  const CronTask* exclusive = nullptr;
  for (const auto& task : cron.tasks())
    if (task.exclusive && !exclusive) exclusive = &task;
  if (!exclusive) return std::shared_ptr<const ExclusiveRuns>();
  const auto table_name = lookup(env, "EBWORKER_LOCK_TABLE");
  if (!table_name)
    return fail("cron.yaml task " + exclusive->name + " is exclusive: $EBWORKER_LOCK_TABLE must name the "
                "DynamoDB table its runs lock (partition key pk), or remove \"exclusive: true\"");
  auto endpoint = dynamodb_endpoint(env);
  if (!endpoint) return fail("EBWORKER_LOCK_TABLE: " + endpoint.error().message);
  auto dynamo = std::make_shared<DynamoClient>(
      DynamoClientOptions{.credentials = default_credentials_chain(env), .endpoint = *endpoint});
  auto table = std::make_shared<LeaseTable>(std::move(dynamo), std::string(*table_name));
  if (auto ready = table->ensure_ready(false); !ready) return fail("EBWORKER_LOCK_TABLE: " + ready.error().message);
  spdlog::info("exclusive periodic tasks lock their runs in DynamoDB table {}", *table_name);
  return std::shared_ptr<const ExclusiveRuns>(std::make_shared<ExclusiveRuns>(std::move(table), make_holder_id()));
}

}  // namespace ebworker
