#pragma once
// Whether a message's run may start now, by its class's declared limits (flow_control.h): the
// step between the envelope and perform() in Dispatch. A run that may not start is deferred:
// Dispatch sends it on with limited_delay() and answers 200, outcome `limited`.
//
// When the limits table does not answer (unreachable, throttling, an error), a class that fails
// closed is deferred and one that fails open runs unlimited; the first error of an episode is
// logged as a warning, the answer that ends it as info. Without EBWORKER_LIMITS_TABLE a limited
// class cannot be counted: its runs are refused (503), so the daemon's retries and the queue's
// redrive show it, and the worker said so when it started.

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <ebworker/environment.h>
#include <ebworker/result.h>
#include <ebworker/worker/job_registry.h>

#include "metrics/gauge.h"
#include "worker/concurrency_slots.h"
#include "worker/limit_use.h"
#include "worker/rate_slots.h"

namespace ebworker {

// The attribute a deferred message's hops carry: when it was first deferred (ISO 8601 UTC).
inline constexpr std::string_view kLimitedSinceAttribute = "ebworker-limited-since";
// A deferred message comes back at least this often, however long its key has been saturated.
inline constexpr std::chrono::seconds kLongestLimitedDelay{60};

// The delay of a message deferred for `waited` so far: its ceiling grows by a second for every 4
// seconds waited, from 1 s up to min(kLongestLimitedDelay, `longest`); the delay is drawn from the
// ceiling's upper half (`random` in [0, 1)), so runs deferred together come back spread out.
std::chrono::seconds limited_delay(std::chrono::seconds waited, double random, std::chrono::seconds longest);

// A run's concurrency slot, counted in this worker's ebworker_limit_in_use while held.
class HeldSlot {
 public:
  HeldSlot(std::unique_ptr<HeldLease> lease, metrics::Gauge* in_use) : lease_(std::move(lease)), in_use_(in_use) {}
  ~HeldSlot() {
    lease_.reset();
    if (in_use_) in_use_->dec();
  }
  HeldSlot(const HeldSlot&) = delete;
  HeldSlot& operator=(const HeldSlot&) = delete;

 private:
  std::unique_ptr<HeldLease> lease_;
  metrics::Gauge* in_use_;
};

struct LimitAdmission {
  // superseded: a debounced job that is no longer its key's last enqueue (skipped, not deferred).
  enum class Verdict { run, deferred, unconfigured, superseded };
  Verdict verdict = Verdict::run;
  std::unique_ptr<HeldSlot> slot{};  // held for the run, when it has one
  std::string reason{};               // why it was deferred or refused
};

class LimitGate {
 public:
  // Both on the same table; both null: there is no limits table. `use`, when given, counts each
  // class's slots in use and deferrals (limit_use.h).
  LimitGate(std::shared_ptr<const ConcurrencySlots> slots, std::shared_ptr<const RateSlots> rates,
            std::shared_ptr<const LimitUse> use = nullptr);
  const LimitUse* use() const { return use_.get(); }

  // The concurrency limit first (its slot held in the answer), then the rate.
  LimitAdmission admit(std::string_view job_class, const JobOptions& options, const rapidjson::Value& arguments) const;

  // Unique jobs: a message of `unique_key` is a duplicate when a run of that key completed
  // within its window and the message is that run's own (the same `job_id`, delivered again) or
  // was enqueued before it completed (an equal one queued meanwhile); a message enqueued after
  // the run is a new job. What to say of a duplicate, or nullopt (none, no table, or it did not
  // answer: the run goes ahead, as delivery is at-least-once anyway). ran() records a run of
  // `job_id` completed now, for `window`.
  std::optional<std::string> duplicate_of_a_run(std::string_view unique_key, std::string_view job_id,
                                                std::string_view enqueued_at, std::chrono::seconds window) const;
  void ran(std::string_view unique_key, std::string_view job_id, std::chrono::seconds window) const;

  // Debounce: a message of `debounce_key` runs when the key's item names its `job_id` (the key's
  // last enqueue), or when there is no item (the client wrote one before sending; gone, it was
  // deleted long after its window: run rather than lose it). Another job id there, or the mark
  // of this job's completed run (debounce_ran), and it is superseded. A table that does not
  // answer defers it (fail closed); without a table it is unconfigured.
  LimitAdmission debounce(std::string_view debounce_key, std::string_view job_id) const;
  // Marks the key's item as this job's completed run, so that a second delivery of it is skipped.
  void debounce_ran(std::string_view debounce_key, std::string_view job_id) const;

 private:
  // The table did not answer: deferred when the limit fails closed, nullopt (run) when open.
  std::optional<LimitAdmission> silent(const AwsError& error, bool fail_open, const std::string& which) const;
  void answered() const;

  std::shared_ptr<const ConcurrencySlots> slots_;
  std::shared_ptr<const RateSlots> rates_;
  std::shared_ptr<const LimitUse> use_;
  mutable std::atomic<bool> unreachable_{false};
};

// The gate on EBWORKER_LIMITS_TABLE (which must exist) when it is set; without it, for a
// registry in which some class declares a limit, a gate that refuses those runs, with a warning,
// and null when none does. An error: the table is named but not usable.
// Each limit's use is counted in `metrics` (limit_use.h).
Result<std::shared_ptr<const LimitGate>> limit_gate_for(const JobRegistry& registry, const Environment& env,
                                                        metrics::Registry& metrics);

}  // namespace ebworker
