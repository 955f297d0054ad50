#pragma once
// The jobs a binary can run, by name. Registration is explicit, in main:
//   ebworker::JobRegistry jobs;
//   jobs.add<EchoJob>();
//   jobs.add("Mailer", [&] { return std::make_unique<MailerJob>(smtp); });
// A job class may declare a time limit, after which its context's stop token is requested,
// and, for a periodic task, that a run may start while the previous one still runs:
//   static constexpr std::chrono::seconds time_limit{300};
//   static constexpr bool allow_overlap = true;  // default: such a run is skipped (200, logged)
//   static constexpr ebworker::RetryOptions retry{.max_attempts = 5};
//   static constexpr ebworker::ConcurrencyLimit concurrency{.max = 2, .key = ebworker::by_argument<0>};
//   static constexpr ebworker::RateLimit rate{.max = 10, .per = std::chrono::seconds(1)};

#include <chrono>
#include <concepts>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/sqs_limits.h>
#include <ebworker/worker/flow_control.h>
#include <ebworker/worker/job.h>

namespace ebworker {

// What add<J>() needs of a job class: a Job, default-constructible (one fresh instance per run),
// with a `static constexpr std::string_view name`. Jobs that need constructor arguments are
// registered with a factory instead: add("Name", [&] { return std::make_unique<J>(deps); }).
template <typename J>
concept RegistrableJob = std::derived_from<J, Job> && std::default_initializable<J> && requires {
  { J::name } -> std::convertible_to<std::string_view>;
};

// A failed run, as a retry policy's retry_if sees it.
struct FailedRun {
  std::string_view reason{};       // fail()'s reason, or the exception's what()
  std::exception_ptr exception{};  // what the job threw; null for fail()

  // Whether the job threw an E (or a class derived from it).
  template <typename E>
  bool threw() const {
    if (!exception) return false;
    try {
      std::rethrow_exception(exception);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  }
};

// A job class's retry policy, like Sidekiq's: on a failure the worker sends the message's next
// attempt back to its queue itself (a hop) with a growing delay, so it works behind aws-sqsd
// too, and after max_attempts sends the message to the dead-letter queue. It needs the worker's
// EBWORKER_QUEUE_URL (and EBWORKER_DEAD_LETTER_QUEUE_URL for the last step); without them, or
// with max_attempts 0, a failure is answered 500 and the daemon retries as it always does.
struct RetryOptions {
  int max_attempts = 0;                           // runs in all, the first included; 0: no policy
  std::chrono::seconds base_delay{15};            // before the 2nd attempt; doubled for each later one
  std::chrono::seconds max_delay = kSqsMaxDelay;  // never more (SQS delays a message 15 minutes at most)
  bool retry_exceptions = true;                   // false: a throw goes straight to the dead-letter queue
  // Which failures are retried (Sidekiq's retry_on / discard_on): one it answers false for goes
  // to the dead-letter queue at once, as if its attempts were spent. Null: every failure. A plain
  // function (a lambda without captures) keeps the options constexpr:
  //   .retry_if = [](const ebworker::FailedRun& f) { return f.threw<TimeoutError>(); }
  bool (*retry_if)(const FailedRun&) = nullptr;
};

struct JobOptions {
  std::chrono::seconds time_limit{0};  // 0: none
  bool allow_overlap = false;          // periodic tasks: may a run start while one runs?
  RetryOptions retry{};
  ConcurrencyLimit concurrency{};  // flow_control.h
  RateLimit rate{};                // flow_control.h
};

class JobRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Job>()>;

  template <RegistrableJob J>
  JobRegistry& add() {
    JobOptions options;
    if constexpr (requires { J::time_limit; }) options.time_limit = std::chrono::seconds(J::time_limit);
    if constexpr (requires { J::allow_overlap; }) options.allow_overlap = J::allow_overlap;
    if constexpr (requires { J::retry; }) options.retry = J::retry;
    if constexpr (requires { J::concurrency; }) options.concurrency = J::concurrency;
    if constexpr (requires { J::rate; }) options.rate = J::rate;
    return add(std::string(J::name), [] { return std::make_unique<J>(); }, options);
  }
  // Throws std::invalid_argument on an empty or already registered name: a start-up bug.
  JobRegistry& add(std::string name, Factory factory, JobOptions options = {});

  bool contains(std::string_view name) const;
  // The job's options; the defaults when it is not registered.
  JobOptions options(std::string_view name) const;
  // A new instance of the named job, or nullptr when none is registered.
  std::unique_ptr<Job> create(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  struct Entry {
    Factory factory;
    JobOptions options;
  };
  std::map<std::string, Entry, std::less<>> jobs_;
};

}  // namespace ebworker
