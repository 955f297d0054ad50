#include "worker/dispatch.h"

#include <algorithm>
#include <random>
#include <string>

#include "core/due_time.h"
#include "core/iso_time.h"
#include "core/limits.h"
#include "envelope/active_job_body.h"
#include "worker/continuation.h"
#include "worker/incoming_format.h"
#include "worker/job_context.h"

namespace ebworker {

Dispatch::Dispatch(const JobRegistry& registry, std::stop_token shutdown, std::shared_ptr<const RetryHops> hops,
                   std::shared_ptr<JobCounters> counters, DispatchTimes times,
                   std::shared_ptr<const LimitGate> limits)
    : registry_(&registry),
      shutdown_(std::move(shutdown)),
      hops_(std::move(hops)),
      counters_(counters ? std::move(counters) : std::make_shared<JobCounters>()),
      times_(times),
      limits_(std::move(limits)) {}

Response Dispatch::answer(Outcome outcome) const { return ebworker::answer(outcome, *counters_); }

Response Dispatch::run_task(Request& request, std::string_view task) const {
  JobContext context = job_context(request, task, {});
  static const rapidjson::Value no_arguments(rapidjson::kArrayType);
  return answer(outcome_of(run_job(*registry_, task, no_arguments, context, shutdown_)));
}

Response Dispatch::operator()(Request& request) const { return answer(run_message(request)); }

namespace {

double uniform01() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

// The envelope of a message in any accepted format (VerifySignature let it through), or the
// refusal: 400 for a body that is not one, 501 for an ActiveJob argument only Rails can read
// (an app's own serializer), which is kept for the daemon's retries and the queue's redrive.
Result<Envelope, Outcome> envelope_of(const Request& request) {
  const MessageFormat format = incoming_format(request);
  const auto refused = [&](int status, std::string reason) {
    Outcome bad = Outcome::refused(JobOutcome::failed, status, std::move(reason));
    bad.message_id = std::string(request.message_id());
    return Unexpected{std::move(bad)};
  };
  if (format == MessageFormat::ebworker) {
    auto envelope = Envelope::parse(request.body);
    if (!envelope) return refused(400, "body is not a valid job envelope: " + envelope.error().message);
    return std::move(envelope).value();
  }
  auto envelope = parse_active_job(request.body, format);
  if (envelope) return std::move(envelope).value();
  if (envelope.error().unknown_serializer)
    return refused(501, envelope.error().message + "; the message is kept, to be retried and then dead-lettered");
  return refused(400, "body is not a valid ActiveJob message (" + std::string(format_name(format)) +
                          "): " + envelope.error().message);
}

}  // namespace

// What keeps a message's job from running now, in the order it is checked: not due yet, its class
// unknown here (sent on), a later enqueue of its debounce key, a completed run of its unique key,
// its limit. None: it runs, holding the slot `admission` takes until the run ends.
std::optional<Outcome> Dispatch::held_back(const Request& request, const Envelope& envelope,
                                           LimitAdmission& admission) const {
  if (envelope.scheduled_at) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (*envelope.scheduled_at > now) return not_due(envelope, *envelope.scheduled_at - now);
  }
  if (hops_ && times_.unknown_job_grace.count() > 0 && !registry_->contains(envelope.job_class))
    return unknown_job(request, envelope);
  // A debounced job runs only as its key's last enqueue: an earlier one is skipped (200).
  if (!envelope.debounce_key.empty()) {
    LimitAdmission last = limits_ ? limits_->debounce(envelope.debounce_key, envelope.job_id)
                                  : LimitAdmission{.verdict = LimitAdmission::Verdict::unconfigured,
                                                   .reason = "it is debounced and EBWORKER_LIMITS_TABLE is not set"};
    if (last.verdict == LimitAdmission::Verdict::superseded)
      return Outcome::accepted(JobOutcome::skipped, std::move(last.reason), "skipped\n");
    if (last.verdict != LimitAdmission::Verdict::run) return limited(request, envelope, last);
  }
  // A duplicate of a unique job whose run completed within its window: 200, not run.
  if (limits_ && !envelope.unique_key.empty())
    if (auto ran = limits_->duplicate_of_a_run(envelope.unique_key, envelope.job_id, envelope.enqueued_at,
                                               std::chrono::seconds(envelope.unique_for)))
      return Outcome::accepted(JobOutcome::skipped, std::move(*ran), "skipped\n");
  if (limits_) {
    admission = limits_->admit(envelope.job_class, registry_->options(envelope.job_class), envelope.arguments);
    if (admission.verdict != LimitAdmission::Verdict::run) return limited(request, envelope, admission);
  }
  return std::nullopt;
}

Outcome Dispatch::run_message(Request& request) const {
  auto envelope = envelope_of(request);
  if (!envelope) return envelope.error();
  LimitAdmission admission;  // held until the run ends: the limit's slot, when its class has one
  if (std::optional<Outcome> unrun = held_back(request, *envelope, admission)) {
    unrun->job = envelope->job_class;
    unrun->job_id = envelope->job_id;
    unrun->message_id = std::string(request.message_id());
    return std::move(*unrun);
  }
  JobContext context = job_context(request, envelope->job_class, envelope->job_id);
  context.attempt = static_cast<int>(std::min<std::int64_t>(envelope->executions, 1'000'000)) + 1;
  if (envelope->active_job_body) context.active_job_arguments = &(*envelope->active_job_body)["arguments"];
  context.continuation = continuation_of(envelope->continuation);
  context.resumptions = static_cast<int>(std::min<std::int64_t>(envelope->resumptions, 1'000'000'000));
  if (hops_) context.budget = times_.job_time_budget;
  const JobRun run = run_job(*registry_, envelope->job_class, envelope->arguments, context, shutdown_);
  admission.slot.reset();  // the slot is free before the answer: the next run of its key need not wait for it
  const bool completed = run.known && !run.threw && run.kind == JobResult::Kind::done && !run.handed_on;
  if (limits_ && completed && !envelope->unique_key.empty())
    limits_->ran(envelope->unique_key, envelope->job_id, std::chrono::seconds(envelope->unique_for));
  if (limits_ && completed && !envelope->debounce_key.empty())
    limits_->debounce_ran(envelope->debounce_key, envelope->job_id);
  if (run.handed_on && hops_) return hand_on(*envelope, context, run);
  // A retry starts from the steps this run completed: they are not done again.
  if (context.continuation.advanced) envelope->continuation = continuation_json(context.continuation);
  return hops_ && run.known && !run.stopped ? follow_policy(request, *envelope, context.attempt, run)
                                            : outcome_of(run);
}

// A job received before it is due goes on, unrun: with the worker's own queue, as a hop of the
// time left (at most one hop's delay); without it, back to the daemon with Retry-After.
Outcome Dispatch::not_due(const Envelope& envelope, std::chrono::seconds left) const {
  const std::string due = "not due until " + iso8601_utc(*envelope.scheduled_at);
  if (!hops_) {
    Outcome later = Outcome::refused(JobOutcome::not_due, 503,
                                     due + "; the worker has no EBWORKER_QUEUE_URL to hold it back with");
    later.retry_after = std::min<std::chrono::seconds>(left, kSqsMaxVisibility);
    return later;
  }
  const auto delay = std::min(left, hops_->max_hop_delay());
  if (auto sent = hops_->send_next_attempt(envelope, delay); !sent)
    return Outcome::refused(JobOutcome::not_due, 500,
                            due + "; could not be sent on (" + sent.error().message +
                                "): the message comes back as it is");
  return Outcome::accepted(JobOutcome::not_due,
                           due + ": sent on with a delay of " + std::to_string(delay.count()) + " s", "not due\n");
}

// The rest of a continuable job goes back to the queue, as a hop does: only once SQS holds it is
// this message answered 200, so a failed send leaves the message to come back whole.
Outcome Dispatch::hand_on(Envelope& envelope, const JobContext& context, const JobRun& run) const {
  const std::string why = run.time_limit_passed ? "at its time limit of " + std::to_string(run.time_limit.count()) + " s"
                          : run.stopped        ? std::string("for shutdown")
                                               : "with its budget of " + std::to_string(context.budget.count()) + " s spent";
  const std::string where = where_steps_stand(context.continuation);
  envelope.continuation = continuation_json(context.continuation);
  envelope.resumptions += 1;
  Outcome outcome;
  if (auto sent = hops_->send_next_attempt(envelope, std::chrono::seconds(0)); !sent)
    outcome = Outcome::refused(JobOutcome::failed, 500,
                               "stopped " + why + " " + where + "; its continuation could not be sent (" +
                                   sent.error().message + "): the message comes back whole");
  else
    outcome = Outcome::accepted(JobOutcome::continued,
                                "continued " + where + " (" + why + "; resumption " +
                                    std::to_string(envelope.resumptions) + " sent)",
                                "continued\n");
  outcome.job = run.job;
  outcome.job_id = run.job_id;
  outcome.message_id = run.message_id;
  outcome.ran = run.ran;
  return outcome;
}

// During a rolling deploy a message may reach a worker without its class while one that has it
// is minutes away: it is sent on, each hop at most kUnknownJobHop later, carrying when it first
// arrived, and never burns the daemon's receives; once the grace is over it is dead-lettered.
Outcome Dispatch::unknown_job(const Request& request, const Envelope& envelope) const {
  constexpr std::chrono::seconds kUnknownJobHop{30};
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string since_header = std::string(sqsd_header::kAttributePrefix) + std::string(kUnknownSinceAttribute);
  auto since = parse_iso8601_utc(request.headers.get(since_header));
  if (!since) since = parse_iso8601_utc(request.headers.get(sqsd_header::kFirstReceivedAt));
  const std::chrono::sys_seconds first = since && *since <= now ? *since : now;
  const auto waited = now - first;
  const std::string unknown = "unknown job " + envelope.job_class;
  if (waited < times_.unknown_job_grace) {
    const auto left = times_.unknown_job_grace - waited;
    const auto delay = std::max(std::chrono::seconds(1), std::min({kUnknownJobHop, hops_->max_hop_delay(), left}));
    if (auto sent = hops_->send_next_attempt(envelope, delay,
                                             {{std::string(kUnknownSinceAttribute), "String", iso8601_utc(first)}});
        !sent)
      return Outcome::refused(JobOutcome::failed, 500,
                              unknown + "; could not be sent on (" + sent.error().message +
                                  "): the message comes back as it is");
    return Outcome::accepted(JobOutcome::unknown_sent_on,
                             unknown + ": sent on for a worker that has it, in " + std::to_string(delay.count()) +
                                 " s (" + std::to_string(left.count()) + " s of EBWORKER_UNKNOWN_JOB_GRACE left)",
                             "sent on\n");
  }
  const std::string why = unknown + " for " + std::to_string(waited.count()) + " s, past EBWORKER_UNKNOWN_JOB_GRACE (" +
                          std::to_string(times_.unknown_job_grace.count()) + " s)";
  if (!hops_->has_dead_letter_queue())
    return Outcome::refused(JobOutcome::failed, 404,
                            why + "; no EBWORKER_DEAD_LETTER_QUEUE_URL: left to the queue's redrive");
  const int attempt = static_cast<int>(std::min<std::int64_t>(envelope.executions, 1'000'000)) + 1;
  if (auto sent = hops_->dead_letter(request, why, attempt); !sent)
    return Outcome::refused(JobOutcome::failed, 500,
                            why + "; could not be dead-lettered (" + sent.error().message +
                                "): the message comes back as it is");
  return Outcome::accepted(JobOutcome::dead_lettered, why + "; dead-lettered");
}

// A run its limit defers goes back to the queue unrun, as a not-due message does: signed, its
// attempts unchanged, carrying when it was first deferred so that its delay grows the longer its
// key stays saturated. Answered 200 once SQS holds it; it never burns the daemon's receives.
Outcome Dispatch::limited(const Request& request, const Envelope& envelope, const LimitAdmission& admission) const {
  if (admission.verdict == LimitAdmission::Verdict::unconfigured)
    return Outcome::refused(JobOutcome::failed, 503, admission.reason + ": the message comes back as it is");
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string since_header = std::string(sqsd_header::kAttributePrefix) + std::string(kLimitedSinceAttribute);
  const auto since = parse_iso8601_utc(request.headers.get(since_header));
  const std::chrono::sys_seconds first = since && *since <= now ? *since : now;
  const auto waited = now - first;
  if (!hops_) {
    Outcome later = Outcome::refused(JobOutcome::limited, 503,
                                     admission.reason + "; the worker has no EBWORKER_QUEUE_URL to send it on with");
    later.retry_after = limited_delay(waited, uniform01(), kLongestLimitedDelay);
    return later;
  }
  const auto delay = limited_delay(waited, uniform01(), hops_->max_hop_delay());
  if (auto sent = hops_->send_next_attempt(envelope, delay,
                                           {{std::string(kLimitedSinceAttribute), "String", iso8601_utc(first)}});
      !sent)
    return Outcome::refused(JobOutcome::limited, 500,
                            admission.reason + "; could not be sent on (" + sent.error().message +
                                "): the message comes back as it is");
  return Outcome::accepted(JobOutcome::limited,
                           admission.reason + "; sent on in " + std::to_string(delay.count()) + " s (deferred for " +
                               std::to_string(waited.count()) + " s)",
                           "limited\n");
}

Outcome Dispatch::follow_policy(const Request& request, Envelope& envelope, int attempt, const JobRun& run) const {
  Outcome own = outcome_of(run);
  // The policy's decision, about the same run.
  const auto decided = [&](Outcome outcome) {
    outcome.job = own.job;
    outcome.job_id = own.job_id;
    outcome.message_id = own.message_id;
    outcome.ran = own.ran;
    return outcome;
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
      return decided(Outcome::refused(JobOutcome::failed, 500,
                                      own.reason + "; its next attempt could not be sent (" + sent.error().message +
                                          "): the message comes back as it is"));
    return decided(Outcome::accepted(JobOutcome::retried, std::move(done_reason)));
  };
  if (run.kind == JobResult::Kind::retry)
    return hop(run.delay, "retry in " + std::to_string(run.delay.count()) + " s: " + run.reason + " (attempt " +
                              std::to_string(attempt + 1) + " sent)");

  const RetryOptions policy = registry_->options(envelope.job_class).retry;
  if (run.kind != JobResult::Kind::failed || policy.max_attempts == 0) return own;
  const std::string of = " (attempt " + std::to_string(attempt) + " of " + std::to_string(policy.max_attempts) + ")";
  const RetryVerdict verdict = retry_verdict(policy, attempt, {.reason = run.reason, .exception = run.exception});
  if (verdict == RetryVerdict::retry) {
    const auto delay = retry_delay(policy, attempt, uniform01());
    return hop(delay, own.reason + of + "; retrying in " + std::to_string(delay.count()) + " s");
  }
  const std::string why_no_retry =
      verdict == RetryVerdict::attempts_spent ? "no more attempts" : "not retried by its policy";
  if (!hops_->has_dead_letter_queue()) {
    own.reason += of + "; " + why_no_retry + ", and no EBWORKER_DEAD_LETTER_QUEUE_URL: left to the queue's redrive";
    return own;
  }
  if (auto sent = hops_->dead_letter(request, own.reason, attempt); !sent)
    return decided(Outcome::refused(JobOutcome::failed, 500,
                                    own.reason + of + "; could not be dead-lettered (" + sent.error().message +
                                        "): the message comes back as it is"));
  return decided(Outcome::accepted(JobOutcome::dead_lettered,
                                   own.reason + of +
                                       (verdict == RetryVerdict::not_retried ? "; " + why_no_retry : "") +
                                       "; dead-lettered"));
}

}  // namespace ebworker
