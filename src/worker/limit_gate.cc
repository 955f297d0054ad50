#include "worker/limit_gate.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "aws/credentials_chain.h"
#include "core/environment_lookup.h"
#include "core/iso_time.h"
#include "dynamodb/dynamodb_endpoint.h"

namespace ebworker {

std::chrono::seconds limited_delay(std::chrono::seconds waited, double random, std::chrono::seconds longest) {
  const auto cap = std::max<long long>(1, std::min(kLongestLimitedDelay, longest).count());
  const double ceiling = static_cast<double>(std::clamp<long long>(1 + std::max<long long>(0, waited.count()) / 4, 1, cap));
  const auto drawn = static_cast<long long>(std::ceil(ceiling * (0.5 + 0.5 * std::clamp(random, 0.0, 1.0))));
  return std::chrono::seconds(std::clamp<long long>(drawn, 1, cap));
}

LimitGate::LimitGate(std::shared_ptr<const ConcurrencySlots> slots, std::shared_ptr<const RateSlots> rates,
                     std::shared_ptr<const LimitUse> use)
    : slots_(std::move(slots)), rates_(std::move(rates)), use_(std::move(use)) {}

std::optional<LimitAdmission> LimitGate::silent(const AwsError& error, bool fail_open, const std::string& which) const {
  if (!unreachable_.exchange(true))
    spdlog::warn("limits table {} does not answer ({}): runs of limited classes are deferred (or, failing open, "
                 "run unlimited) until it does",
                 slots_->table().name(), error.describe());
  if (fail_open) return std::nullopt;
  return LimitAdmission{.verdict = LimitAdmission::Verdict::deferred,
                        .reason = "limits table unreachable, " + which + " deferred (fail closed): " + error.describe()};
}

void LimitGate::answered() const {
  if (unreachable_.exchange(false)) spdlog::info("limits table {} answers again", slots_->table().name());
}

LimitAdmission LimitGate::admit(std::string_view job_class, const JobOptions& options,
                                const rapidjson::Value& arguments) const {
  const ConcurrencyLimit& concurrency = options.concurrency;
  const RateLimit& rate = options.rate;
  if (concurrency.max <= 0 && rate.max <= 0) return {};
  const auto held_back = [&](LimitAdmission admission, LimitDeferral why) {
    if (use_) use_->deferred(job_class, why);
    return admission;
  };
  if (!slots_ || !rates_) {
    if ((concurrency.max <= 0 || concurrency.fail_open) && (rate.max <= 0 || rate.fail_open)) return {};
    return held_back({.verdict = LimitAdmission::Verdict::unconfigured,
                      .reason = "its class declares a limit and EBWORKER_LIMITS_TABLE is not set"},
                     LimitDeferral::unconfigured);
  }
  LimitAdmission admitted;
  if (concurrency.max > 0) {
    const std::string key = limit_key(concurrency.key, arguments);
    const std::string which = std::string(job_class) + " " + key;
    auto slot = slots_->take(job_class, key, concurrency);
    if (!slot) {
      if (auto deferred = silent(slot.error(), concurrency.fail_open, which))
        return held_back(std::move(*deferred), LimitDeferral::unreachable);
    } else {
      answered();
      if (!*slot)
        return held_back({.verdict = LimitAdmission::Verdict::deferred,
                          .reason = "limited: " + which + " has its " + std::to_string(concurrency.max) + " runs at once"},
                         LimitDeferral::concurrency);
      admitted.slot = std::make_unique<HeldSlot>(std::move(slot).value(), use_ ? use_->took_slot(job_class) : nullptr);
    }
  }
  if (rate.max > 0) {
    const std::string key = limit_key(rate.key, arguments);
    const std::string which = std::string(job_class) + " " + key;
    auto taken = rates_->take(job_class, key, rate);
    if (!taken) {
      if (auto deferred = silent(taken.error(), rate.fail_open, which))
        return held_back(std::move(*deferred), LimitDeferral::unreachable);
    } else {
      answered();
      if (!*taken)  // the concurrency slot, if taken, is handed back as `admitted` goes
        return held_back({.verdict = LimitAdmission::Verdict::deferred,
                          .reason = "rate limited: " + which + " started its " + std::to_string(rate.max) + " runs in " +
                                    std::to_string(rate.per.count()) + " ms"},
                         LimitDeferral::rate);
    }
  }
  return admitted;
}

std::optional<std::string> LimitGate::duplicate_of_a_run(std::string_view unique_key, std::string_view job_id,
                                                         std::string_view enqueued_at,
                                                         std::chrono::seconds window) const {
  if (!slots_) return std::nullopt;
  auto ran = slots_->table().read(unique_ran_key(unique_key));
  if (!ran) {
    spdlog::warn("limits table {}: could not read whether unique key {} ran ({}): running it",
                 slots_->table().name(), unique_key, ran.error().describe());
    return std::nullopt;
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!*ran || (*ran)->expires_at < now) return std::nullopt;
  const auto completed = (*ran)->expires_at - window;
  const auto enqueued = parse_iso8601_utc(std::string(enqueued_at.substr(0, 19)) + "Z");
  if ((*ran)->holder != job_id && !(enqueued && *enqueued <= completed)) return std::nullopt;
  return "skipped: unique key " + std::string(unique_key) + " ran (job " + (*ran)->holder + ") within its window, until " +
         iso8601_utc_seconds((*ran)->expires_at);
}

void LimitGate::ran(std::string_view unique_key, std::string_view job_id, std::chrono::seconds window) const {
  if (!slots_) return;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  // Taken only when absent or expired: an earlier run's record within its window stays.
  if (auto taken = slots_->table().take(unique_ran_key(unique_key), job_id, now, now + window); !taken)
    spdlog::warn("limits table {}: could not record that unique key {} ran ({}): a duplicate may run again",
                 slots_->table().name(), unique_key, taken.error().describe());
}

namespace {

std::string debounce_ran_holder(std::string_view job_id) { return "ran:" + std::string(job_id); }

}  // namespace

LimitAdmission LimitGate::debounce(std::string_view debounce_key_text, std::string_view job_id) const {
  if (!slots_)
    return {.verdict = LimitAdmission::Verdict::unconfigured,
            .reason = "it is debounced (key " + std::string(debounce_key_text) + ") and EBWORKER_LIMITS_TABLE is not set"};
  const std::string which = "debounce key " + std::string(debounce_key_text);
  auto last = slots_->table().read(debounce_key(debounce_key_text));
  if (!last) return std::move(*silent(last.error(), false, which));
  answered();
  if (!*last || (*last)->holder == job_id) return {};
  const std::string& holder = (*last)->holder;
  return {.verdict = LimitAdmission::Verdict::superseded,
          .reason = holder == debounce_ran_holder(job_id)
                        ? "skipped: " + which + " already ran this job"
                        : "skipped: " + which + " was enqueued again (job " +
                              (holder.starts_with("ran:") ? holder.substr(4) + ", which ran" : holder) +
                              "): only the last enqueue runs"};
}

void LimitGate::debounce_ran(std::string_view debounce_key_text, std::string_view job_id) const {
  if (!slots_) return;
  if (auto marked = slots_->table().hand_over(debounce_key(debounce_key_text), job_id, debounce_ran_holder(job_id));
      !marked)
    spdlog::warn("limits table {}: could not record that debounce key {} ran ({}): a second delivery may run again",
                 slots_->table().name(), debounce_key_text, marked.error().describe());
}

Result<std::shared_ptr<const LimitGate>> limit_gate_for(const JobRegistry& registry, const Environment& env,
                                                        metrics::Registry& metrics) {
  std::vector<std::string> limited;
  for (const auto& name : registry.names())
    if (registry.options(name).concurrency.max > 0 || registry.options(name).rate.max > 0) limited.push_back(name);
  const auto table_name = lookup(env, "EBWORKER_LIMITS_TABLE");
  if (!table_name && limited.empty()) return std::shared_ptr<const LimitGate>();
  if (!table_name) {
    spdlog::warn("job class {} declares a limit but EBWORKER_LIMITS_TABLE is not set: its runs are "
                 "refused (503) unless it fails open",
                 limited.front());
    return std::make_shared<const LimitGate>(nullptr, nullptr, std::make_shared<const LimitUse>(registry, metrics));
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
  auto table = std::make_shared<LeaseTable>(dynamo, std::string(*table_name));
  if (auto ready = table->ensure_ready(false); !ready) return fail("EBWORKER_LIMITS_TABLE: " + ready.error().message);
  spdlog::info("flow control of {} job class(es) in DynamoDB table {}", limited.size(), *table_name);
  const std::string holder = make_holder_id();
  return std::make_shared<const LimitGate>(std::make_shared<const ConcurrencySlots>(std::move(table), holder),
                                           std::make_shared<const RateSlots>(std::move(dynamo), std::string(*table_name), holder),
                                           std::make_shared<const LimitUse>(registry, metrics));
}

}  // namespace ebworker
