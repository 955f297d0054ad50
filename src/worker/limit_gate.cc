#include "worker/limit_gate.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "aws/credentials_chain.h"
#include "core/environment_lookup.h"
#include "dynamodb/dynamodb_endpoint.h"

namespace ebworker {

std::chrono::seconds limited_delay(std::chrono::seconds waited, double random, std::chrono::seconds longest) {
  const auto cap = std::max<long long>(1, std::min(kLongestLimitedDelay, longest).count());
  const double ceiling = static_cast<double>(std::clamp<long long>(1 + std::max<long long>(0, waited.count()) / 4, 1, cap));
  const auto drawn = static_cast<long long>(std::ceil(ceiling * (0.5 + 0.5 * std::clamp(random, 0.0, 1.0))));
  return std::chrono::seconds(std::clamp<long long>(drawn, 1, cap));
}

LimitGate::LimitGate(std::shared_ptr<const ConcurrencySlots> slots) : slots_(std::move(slots)) {}

LimitAdmission LimitGate::admit(std::string_view job_class, const JobOptions& options,
                           const rapidjson::Value& arguments) const {
  const ConcurrencyLimit& limit = options.concurrency;
  if (limit.max <= 0) return {};
  if (!slots_) {
    if (limit.fail_open) return {};
    return {.verdict = LimitAdmission::Verdict::unconfigured,
            .reason = "its class declares a concurrency limit and EBWORKER_LIMITS_TABLE is not set"};
  }
  const std::string key = limit_key(limit, arguments);
  const std::string which = std::string(job_class) + " " + key;
  auto slot = slots_->take(job_class, key, limit);
  if (!slot) {
    if (!unreachable_.exchange(true))
      spdlog::warn("limits table {} does not answer ({}): runs of limited classes are {} until it does",
                   slots_->table().name(), slot.error().describe(),
                   limit.fail_open ? "run unlimited (fail open) or deferred (fail closed)" : "deferred");
    if (limit.fail_open) return {};
    return {.verdict = LimitAdmission::Verdict::deferred,
            .reason = "limits table unreachable, " + which + " deferred (fail closed): " + slot.error().describe()};
  }
  if (unreachable_.exchange(false)) spdlog::info("limits table {} answers again", slots_->table().name());
  if (!*slot)
    return {.verdict = LimitAdmission::Verdict::deferred,
            .reason = "limited: " + which + " has its " + std::to_string(limit.max) + " runs at once"};
  return {.verdict = LimitAdmission::Verdict::run, .slot = std::move(slot).value()};
}

Result<std::shared_ptr<const LimitGate>> limit_gate_for(const JobRegistry& registry, const Environment& env) {
  std::vector<std::string> limited;
  for (const auto& name : registry.names())
    if (registry.options(name).concurrency.max > 0) limited.push_back(name);
  if (limited.empty()) return std::shared_ptr<const LimitGate>();
  const auto table_name = lookup(env, "EBWORKER_LIMITS_TABLE");
  if (!table_name) {
    spdlog::warn("job class {} declares a concurrency limit but EBWORKER_LIMITS_TABLE is not set: its runs are "
                 "refused (503) unless it fails open",
                 limited.front());
    return std::make_shared<const LimitGate>(nullptr);
  }
  auto endpoint = dynamodb_endpoint(env);
  if (!endpoint) return fail("EBWORKER_LIMITS_TABLE: " + endpoint.error().message);
  // A run waits for its slot: a table that does not answer defers it within seconds, not the
  // client's whole default budget.
  auto dynamo = std::make_shared<DynamoClient>(DynamoClientOptions{
      .credentials = default_credentials_chain(env),
      .endpoint = *endpoint,
      .retry = {.max_attempts = 3, .budget = std::chrono::seconds(3)},
      .request_timeout = std::chrono::seconds(2)});
  auto table = std::make_shared<LeaseTable>(std::move(dynamo), std::string(*table_name));
  if (auto ready = table->ensure_ready(false); !ready) return fail("EBWORKER_LIMITS_TABLE: " + ready.error().message);
  spdlog::info("flow control of {} job class(es) in DynamoDB table {}", limited.size(), *table_name);
  return std::make_shared<const LimitGate>(std::make_shared<const ConcurrencySlots>(std::move(table), make_holder_id()));
}

}  // namespace ebworker
