#pragma once
// What the worker decided about one request's job, and the one place that turns the decision
// into the daemon's answer and a count. The vocabulary, in order along the path:
//   JobResult (public, job_result.h)  what perform() returned
//   JobRun (job_runner.h)             what the runner saw: that result, a throw, an unknown class
//   Outcome (here)                    what the worker decided: the counted fate, status, reason

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <ebworker/worker/response.h>

namespace ebworker {

class JobCounters;
struct JobRun;

enum class JobOutcome {
  done,           // 200, the job done
  failed,         // answered with a failure the daemon retries (500, 400, 404, 503)
  retried,        // retry_in or a retry policy: the next attempt sent, or Retry-After
  discarded,      // discard(): 200, never retried
  dead_lettered,  // a retry policy's attempts spent: sent to the dead-letter queue
  skipped,        // a periodic task whose previous run was still going, or another instance's;
                  // or a unique job whose key ran within its window
  not_due,        // received before its scheduled_at: sent on, not run
  continued,      // a continuable job handed on at a step boundary: its continuation sent
  unknown_sent_on,  // its class not registered here: sent on for a worker that has it (a deploy)
  limited,        // its class's limit reached (or the limits table silent): sent on, not run
};
inline constexpr std::size_t kJobOutcomes = 10;
// The outcome label's value: done, failed, retried, discarded, dead_lettered, skipped, not_due,
// continued, unknown_sent_on, limited.
std::string_view outcome_name(JobOutcome outcome);

struct Outcome {
  JobOutcome fate = JobOutcome::done;
  int status = 200;
  std::string reason{};  // for the log line, and the body of a refusal
  std::string body = "OK\n";  // of a 200
  std::optional<std::chrono::seconds> retry_after{};  // a 503's: when to send it again
  // Which run, for the counters and the log line: the class or task, the envelope's id, the
  // message's, and perform()'s run time when it ran.
  std::string job{};
  std::string job_id{};
  std::string message_id{};
  std::optional<std::chrono::duration<double>> ran{};

  // 200: the message is deleted. `body` says what became of it when not done.
  static Outcome accepted(JobOutcome fate, std::string reason = "", std::string body = "OK\n");
  // Any other status: the daemon sends the message again, and in time dead-letters it.
  static Outcome refused(JobOutcome fate, int status, std::string reason);
};

// The run's own outcome, before any retry policy: done and discard() 200, retry_in 503 with
// Retry-After, fail() and a throw 500, an unknown class 404, a continuable job that stopped at a
// step boundary with nowhere to send its continuation 503. A run that was asked to stop and did
// not finish says so, and why, in front of its reason.
Outcome outcome_of(const JobRun& run);

// The answer the daemon gets, the outcome counted: the only place either is decided.
Response answer(const Outcome& outcome, JobCounters& counters);

}  // namespace ebworker
