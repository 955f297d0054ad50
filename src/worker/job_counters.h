#pragma once
// The fate of every job the worker was handed, counted (the daemon's are SqsdCounters), so the
// worker can say what it did at the end of its run, and /metrics, the status page and tests read
// the same truth: the counts are the metrics registry's series
//   ebworker_jobs_total{job,outcome}, ebworker_job_duration_seconds{job}
// and totals are sums over them. Recent minutes and failures go to a JobHistory.
// Only the names it recognises (the registered job classes) get series and history rows of their
// own; any other name counts as kUnknownJob, so requests nobody vouched for (an undeclared task
// name in an unsigned header, a signed message of an unknown class, a body that is no envelope)
// cannot grow the scrape or the worker's memory.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/registry.h"
#include "worker/job_history.h"
#include "worker/job_outcome.h"

namespace ebworker {

// The job label of every request whose name is not a recognised one, or that named none.
inline constexpr std::string_view kUnknownJob = "(unknown)";

// One request's outcome, as answer() (job_outcome.h) counts it.
struct JobEvent {
  JobOutcome outcome = JobOutcome::done;
  std::string_view job{};  // the class or task; empty when the request named none (a bad body)
  std::string_view job_id{};
  std::string_view message_id{};
  std::string_view reason{};                           // why it failed, for the status page
  std::optional<std::chrono::duration<double>> ran{};  // perform()'s run time, when it ran
};

class JobCounters {
 public:
  // Registers its families in `registry`.
  explicit JobCounters(std::shared_ptr<metrics::Registry> registry = std::make_shared<metrics::Registry>());

  // Adds to the names counted under their own: the registry's job classes (every periodic task
  // cron.yaml declares is one; default_stack passes them). Until then every name is kUnknownJob.
  void recognise(const std::vector<std::string>& names);

  void count(const JobEvent& event, std::chrono::system_clock::time_point at = std::chrono::system_clock::now());

  std::uint64_t total(JobOutcome outcome) const;
  std::string describe() const;

  struct JobSummary {
    std::string job;
    std::array<std::uint64_t, kJobOutcomes> counts{};  // by JobOutcome
    metrics::Histogram::Snapshot duration{};
  };
  // Per job name, sorted by name.
  std::vector<JobSummary> by_job() const;

  metrics::Registry& registry() const { return *registry_; }
  const std::shared_ptr<metrics::Registry>& shared_registry() const { return registry_; }
  const JobHistory& history() const { return history_; }

 private:
  // A job's series, resolved on its first count.
  struct Series {
    std::string_view job;  // the name counted under: a recognised one, or kUnknownJob
    std::array<metrics::Counter*, kJobOutcomes> outcomes{};
    metrics::Histogram* duration = nullptr;
  };
  // The series of `job` if recognised, else kUnknownJob's.
  const Series& series(std::string_view job);

  std::shared_ptr<metrics::Registry> registry_;
  metrics::Family<metrics::Counter>& jobs_;
  metrics::Family<metrics::Histogram>& durations_;
  std::shared_mutex mutex_;
  std::set<std::string, std::less<>> recognised_;
  std::map<std::string, Series, std::less<>> series_;  // recognised names and kUnknownJob only
  JobHistory history_;
};

}  // namespace ebworker
