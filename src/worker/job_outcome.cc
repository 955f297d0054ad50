#include "worker/job_outcome.h"

#include <array>

#include "worker/job_counters.h"
#include "worker/job_runner.h"

namespace ebworker {

namespace {

constexpr std::array<std::string_view, kJobOutcomes> kOutcomeNames = {
    "done", "failed", "retried", "discarded", "dead_lettered", "skipped", "not_due", "continued", "unknown_sent_on",
    "limited"};

// What perform()'s result asks for.
Outcome outcome_of_result(const JobRun& run) {
  switch (run.kind) {
    case JobResult::Kind::done:
      return Outcome::accepted(JobOutcome::done);
    case JobResult::Kind::discarded:
      return Outcome::accepted(JobOutcome::discarded, "discarded: " + run.reason, "discarded\n");
    case JobResult::Kind::retry: {
      Outcome later = Outcome::refused(JobOutcome::retried, 503,
                                       "retry in " + std::to_string(run.delay.count()) + " s: " + run.reason);
      later.retry_after = run.delay;
      return later;
    }
    case JobResult::Kind::failed:
      break;
  }
  return Outcome::refused(JobOutcome::failed, 500, "job failed: " + run.reason);
}

}  // namespace

std::string_view outcome_name(JobOutcome outcome) { return kOutcomeNames[static_cast<std::size_t>(outcome)]; }

Outcome Outcome::accepted(JobOutcome fate, std::string reason, std::string body) {
  Outcome o;
  o.fate = fate;
  o.reason = std::move(reason);
  o.body = std::move(body);
  return o;
}

Outcome Outcome::refused(JobOutcome fate, int status, std::string reason) {
  Outcome o;
  o.fate = fate;
  o.status = status;
  o.reason = std::move(reason);
  return o;
}

Outcome outcome_of(const JobRun& run) {
  Outcome outcome;
  if (!run.known) {
    outcome = Outcome::refused(JobOutcome::failed, 404, "unknown job " + run.job);
  } else if (run.handed_on) {
    outcome = Outcome::refused(JobOutcome::failed, 503,
                               "at a step boundary, with no EBWORKER_QUEUE_URL to send its continuation to: "
                               "the message comes back whole");
    outcome.reason = (run.time_limit_passed
                          ? "stopped at its time limit of " + std::to_string(run.time_limit.count()) + " s "
                          : std::string("stopped for shutdown ")) +
                     outcome.reason;
  } else if (run.threw) {
    outcome = Outcome::refused(JobOutcome::failed, 500,
                               run.exception_text ? "job threw: " + run.reason : "job threw a non-standard exception");
  } else {
    outcome = outcome_of_result(run);
    if (run.stopped) {
      outcome.reason = (run.time_limit_passed
                            ? "stopped at its time limit of " + std::to_string(run.time_limit.count()) + " s: "
                            : std::string("stopped for shutdown: ")) +
                       outcome.reason;
      outcome.body = outcome.reason + "\n";
    }
  }
  outcome.job = run.job;
  outcome.job_id = run.job_id;
  outcome.message_id = run.message_id;
  outcome.ran = run.ran;
  return outcome;
}

Response answer(const Outcome& outcome, JobCounters& counters) {
  counters.count({.outcome = outcome.fate, .job = outcome.job, .job_id = outcome.job_id,
                  .message_id = outcome.message_id, .reason = outcome.reason, .ran = outcome.ran});
  Response response = outcome.status == 200 ? Response::ok(outcome.body) : Response::refuse(outcome.status, outcome.reason);
  if (outcome.status == 200) response.reason = outcome.reason;
  if (outcome.retry_after) response.headers.add("Retry-After", std::to_string(outcome.retry_after->count()));
  response.job = outcome.job;
  response.job_id = outcome.job_id;
  return response;
}

}  // namespace ebworker
