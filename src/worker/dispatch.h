#pragma once
// The one dispatch unit: runs the job a request names (JobRunner), decides its outcome, and
// answers it (job_outcome.h).
//   message (operator(), the chain's end): the body is the envelope (signed, VerifySignature
//     checked that), or for a Rails message ActiveJob's body, its arguments decoded
//     (docs/rails.md): 400 not one, 501 an argument only the Rails app can read (kept). With `hops` (the worker's own queue configured),
//     retry_in and the job class's retry policy are carried out by sending the next attempt to
//     SQS (RetryHops) in the format it came in, answering 200 once SQS holds it, 500 if it
//     could not be sent.
//     A message received before its envelope's scheduled_at is not run: it is sent on with the
//     time left (200), or, without hops, answered 503 with Retry-After.
//     A continuable job (job_steps.h) that stops at a step boundary, its budget spent or the
//     worker shutting down, is handed on: with hops, its continuation (the same job id, where its
//     steps stand, resumptions counted up) is sent in the format it came in and then it is
//     answered 200, 500 if the send failed; without hops, 503 (the message comes back whole).
//   periodic task (run_task): runs with no arguments, once the PeriodicTasks middleware has
//     admitted it (declared in cron.yaml at that path, not overlapping, its lease taken).
//     A message naming a class not registered here, with hops and EBWORKER_UNKNOWN_JOB_GRACE,
//     is sent on (200) until the grace from its first arrival is over (a rolling deploy brings
//     the worker that has it), then dead-lettered with the reason (404 without a dead-letter queue).
//     A message whose class declares a limit (flow_control.h) runs only once the LimitGate
//     admits it, holding its slot for the run; a deferred one is sent on with a delay that grows
//     with how long it has been deferred (200, outcome limited), without hops answered 503 with
//     Retry-After; without a limits table, 503.
//   then, both: 404 unknown job · 500 the job failed or threw · 200 done.

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string_view>

#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/request.h>
#include <ebworker/worker/response.h>

#include "envelope/envelope.h"
#include "worker/job_counters.h"
#include "worker/job_outcome.h"
#include "worker/job_runner.h"
#include "worker/limit_gate.h"
#include "worker/retry_hops.h"

namespace ebworker {

// Zero: none.
struct DispatchTimes {
  std::chrono::seconds job_time_budget{0};    // EBWORKER_JOB_TIME_BUDGET
  std::chrono::seconds unknown_job_grace{0};  // EBWORKER_UNKNOWN_JOB_GRACE
};

class Dispatch {
 public:
  // `shutdown` is requested when the worker stops accepting: every running job's stop token is.
  // `counters`, when given, counts every outcome (else the dispatcher keeps its own).
  // `times`: a message's run's budget when it can hand on, and how long a message of an unknown
  // class is sent on (both with hops).
  Dispatch(const JobRegistry& registry, std::stop_token shutdown = {}, std::shared_ptr<const RetryHops> hops = nullptr,
           std::shared_ptr<JobCounters> counters = nullptr, DispatchTimes times = {},
           std::shared_ptr<const LimitGate> limits = nullptr);
  const JobCounters& counters() const { return *counters_; }
  const JobRegistry& registry() const { return *registry_; }

  Response operator()(Request& request) const;
  Response run_task(Request& request, std::string_view task) const;
  // The answer to an outcome decided before any run (a task refused or skipped), counted.
  Response answer(Outcome outcome) const;

 private:
  Outcome run_message(Request& request) const;
  std::optional<Outcome> held_back(const Request& request, const Envelope& envelope, LimitAdmission& admission) const;
  Outcome not_due(const Envelope& envelope, std::chrono::seconds left) const;
  Outcome follow_policy(const Request& request, Envelope& envelope, int attempt, const JobRun& run) const;
  Outcome hand_on(Envelope& envelope, const JobContext& context, const JobRun& run) const;
  Outcome unknown_job(const Request& request, const Envelope& envelope) const;
  Outcome limited(const Request& request, const Envelope& envelope, const LimitAdmission& admission) const;

  const JobRegistry* registry_;
  std::stop_token shutdown_;
  std::shared_ptr<const RetryHops> hops_;
  std::shared_ptr<JobCounters> counters_;
  DispatchTimes times_;
  std::shared_ptr<const LimitGate> limits_;
};

}  // namespace ebworker
