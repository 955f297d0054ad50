#include "worker/dispatch.h"

#include <algorithm>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "core/due_time.h"
#include "core/iso_time.h"
#include "envelope/envelope.h"
#include "worker/exclusive_runs.h"
#include "worker/job_context.h"
#include "worker/job_runner.h"

namespace ebworker {

// The periodic tasks running now, by name.
struct Dispatch::RunningTasks {
  std::mutex mutex;
  std::set<std::string, std::less<>> names;
};

Dispatch::Dispatch(const JobRegistry& registry, CronFile cron, std::stop_token shutdown,
                   std::shared_ptr<const RetryHops> hops, std::shared_ptr<JobCounters> counters)
    : registry_(&registry),
      cron_(std::move(cron)),
      shutdown_(std::move(shutdown)),
      running_(std::make_shared<RunningTasks>()),
      hops_(std::move(hops)),
      counters_(counters ? std::move(counters) : std::make_shared<JobCounters>()) {}

// A run's outcome as the daemon will see it, counted.
Response Dispatch::count(JobRun run) const {
  JobOutcome outcome = JobOutcome::failed;
  switch (run.kind) {
    case JobResult::Kind::done: outcome = JobOutcome::done; break;
    case JobResult::Kind::discarded: outcome = JobOutcome::discarded; break;
    case JobResult::Kind::retry: outcome = JobOutcome::retried; break;
    case JobResult::Kind::failed: break;
  }
  counters_->count({.outcome = outcome, .job = run.job, .job_id = run.job_id, .message_id = run.message_id,
                    .reason = run.response.reason, .ran = run.ran});
  return std::move(run.response);
}

Response Dispatch::run_task(Request& request, std::string_view task) const {
  if (!cron_.allows(task, request.path)) {
    JobRun refused;  // counted as a failure
    refused.job = std::string(task);
    refused.response =
        Response::refuse(404, "periodic task " + std::string(task) + " is not declared in cron.yaml at " + request.path);
    return count(std::move(refused));
  }
  // cron.yaml `exclusive: true`: one run across every instance, under the task's lease.
  std::unique_ptr<ExclusiveRuns::Lock> lease;
  if (const CronTask* declared = cron_.find(task); declared && declared->exclusive && cron_.exclusive_runs()) {
    auto taken = cron_.exclusive_runs()->take(task);
    if (!taken) {
      JobRun refused;  // counted as a failure; the daemon sends it again
      refused.job = std::string(task);
      refused.response = Response::refuse(503, "could not take the lease of exclusive task " + std::string(task) +
                                                   ": " + taken.error().message);
      return count(std::move(refused));
    }
    if (!*taken) {
      Response skipped = Response::ok("skipped\n");
      skipped.reason = "skipped: another instance's run holds its claim";
      counters_->count({.outcome = JobOutcome::skipped, .job = task});
      return skipped;
    }
    lease = std::move(*taken);
  }
  const bool exclusive = !registry_->options(task).allow_overlap;
  if (exclusive) {
    std::lock_guard lock(running_->mutex);
    if (!running_->names.emplace(task).second) {
      Response skipped = Response::ok("skipped\n");
      skipped.reason = "skipped: the previous run of " + std::string(task) + " is still going";
      counters_->count({.outcome = JobOutcome::skipped, .job = task});
      return skipped;
    }
  }
  JobContext context = job_context(request, task, {});
  static const rapidjson::Value no_arguments(rapidjson::kArrayType);
  Response response = count(run_job_for(*registry_, task, no_arguments, context, shutdown_));
  if (exclusive) {
    std::lock_guard lock(running_->mutex);
    running_->names.erase(running_->names.find(task));
  }
  return response;
}

Response Dispatch::operator()(Request& request) const {
  const std::string_view task = request.task_name();
  if (!task.empty()) {
    Response response = run_task(request, task);
    response.job = std::string(task);
    return response;
  }

  return run_message(request);
}

namespace {

double uniform01() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

}  // namespace

Response Dispatch::run_message(Request& request) const {
  auto envelope = Envelope::parse(request.body);
  if (!envelope) {
    Response bad = Response::refuse(400, "body is not a valid job envelope: " + envelope.error().message);
    counters_->count({.outcome = JobOutcome::failed, .message_id = request.message_id(), .reason = bad.reason});
    return bad;
  }
  if (envelope->scheduled_at) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (*envelope->scheduled_at > now) {
      Response early = not_due(*envelope, *envelope->scheduled_at - now);
      early.job = envelope->job_class;
      early.job_id = envelope->job_id;
      return early;
    }
  }
  JobContext context = job_context(request, envelope->job_class, envelope->job_id);
  context.attempt = static_cast<int>(std::min<std::int64_t>(envelope->executions, 1'000'000)) + 1;
  JobRun run = run_job_for(*registry_, envelope->job_class, envelope->arguments, context, shutdown_);
  Response response = hops_ && run.known && !run.stopped
                          ? follow_policy(request, *envelope, context.attempt, std::move(run))
                          : count(std::move(run));
  response.job = envelope->job_class;
  response.job_id = envelope->job_id;
  return response;
}

// A job received before it is due goes on, unrun: with the worker's own queue, as a hop of the
// time left (at most one hop's delay); without it, back to the daemon with Retry-After.
Response Dispatch::not_due(const Envelope& envelope, std::chrono::seconds left) const {
  const std::string due = "not due until " + iso8601_utc(*envelope.scheduled_at);
  counters_->count({.outcome = JobOutcome::not_due, .job = envelope.job_class, .job_id = envelope.job_id});
  if (!hops_) {
    Response later = Response::refuse(503, due + "; the worker has no EBWORKER_QUEUE_URL to hold it back with");
    later.headers.add("Retry-After", std::to_string(std::min<long long>(left.count(), 43200)));
    return later;
  }
  const auto delay = std::min(left, hops_->max_hop_delay());
  if (auto sent = hops_->send_next_attempt(envelope, delay); !sent)
    return Response::refuse(500, due + "; could not be sent on (" + sent.error().message +
                                     "): the message comes back as it is");
  Response ok = Response::ok("not due\n");
  ok.reason = due + ": sent on with a delay of " + std::to_string(delay.count()) + " s";
  return ok;
}

Response Dispatch::follow_policy(const Request& request, Envelope& envelope, int attempt, JobRun run) const {
  const auto counted = [&](JobOutcome outcome, Response response) {
    counters_->count({.outcome = outcome, .job = run.job, .job_id = run.job_id, .message_id = run.message_id,
                      .reason = response.reason, .ran = run.ran});
    return response;
  };
  const auto hop = [&](std::chrono::seconds delay, std::string done_reason) {
    envelope.executions += 1;
    // Longer than one hop carries (retry_in up to 12 h): the envelope says when the attempt is
    // due and it travels in hops until then (not_due), so it never runs early.
    if (delay > hops_->max_hop_delay()) {
      envelope.scheduled_at = due_after(std::chrono::system_clock::now(), delay);
      delay = hops_->max_hop_delay();
      done_reason += "; due at " + iso8601_utc(*envelope.scheduled_at);
    }
    if (auto sent = hops_->send_next_attempt(envelope, delay); !sent)
      return counted(JobOutcome::failed,
                     Response::refuse(500, run.response.reason + "; its next attempt could not be sent (" +
                                               sent.error().message + "): the message comes back as it is"));
    Response ok = Response::ok();
    ok.reason = std::move(done_reason);
    return counted(JobOutcome::retried, std::move(ok));
  };
  if (run.kind == JobResult::Kind::retry)
    return hop(run.delay, "retry in " + std::to_string(run.delay.count()) + " s: " + run.reason +
                              " (attempt " + std::to_string(attempt + 1) + " sent)");

  const RetryOptions policy = registry_->options(envelope.job_class).retry;
  if (run.kind != JobResult::Kind::failed || policy.max_attempts == 0) return count(std::move(run));
  const std::string of = " (attempt " + std::to_string(attempt) + " of " + std::to_string(policy.max_attempts) + ")";
  const RetryVerdict verdict = retry_verdict(policy, attempt, {.reason = run.reason, .exception = run.exception});
  if (verdict == RetryVerdict::retry) {
    const auto delay = retry_delay(policy, attempt, uniform01());
    return hop(delay, run.response.reason + of + "; retrying in " + std::to_string(delay.count()) + " s");
  }
  const std::string why_no_retry =
      verdict == RetryVerdict::attempts_spent ? "no more attempts" : "not retried by its policy";
  if (!hops_->has_dead_letter_queue()) {
    run.response.reason +=
        of + "; " + why_no_retry + ", and no EBWORKER_DEAD_LETTER_QUEUE_URL: left to the queue's redrive";
    return count(std::move(run));
  }
  if (auto sent = hops_->dead_letter(request, run.response.reason, attempt); !sent)
    return counted(JobOutcome::failed,
                   Response::refuse(500, run.response.reason + of + "; could not be dead-lettered (" +
                                             sent.error().message + "): the message comes back as it is"));
  Response ok = Response::ok();
  ok.reason = run.response.reason + of + (verdict == RetryVerdict::not_retried ? "; " + why_no_retry : "") +
              "; dead-lettered";
  return counted(JobOutcome::dead_lettered, std::move(ok));
}

}  // namespace ebworker
