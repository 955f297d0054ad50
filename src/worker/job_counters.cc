#include "worker/job_counters.h"

#include <mutex>

namespace ebworker {

namespace {

bool is_failure(JobOutcome o) { return o == JobOutcome::failed || o == JobOutcome::dead_lettered; }
// Skipped, not-due, unknown and limited requests sent on ran nothing: no throughput.
bool is_finish(JobOutcome o) {
  return o != JobOutcome::skipped && o != JobOutcome::not_due && o != JobOutcome::unknown_sent_on &&
         o != JobOutcome::limited;
}

}  // namespace

JobCounters::JobCounters(std::shared_ptr<metrics::Registry> registry)
    : registry_(std::move(registry)),
      jobs_(registry_->counter("ebworker_jobs_total",
                               "Requests for jobs answered, by job class or periodic task and outcome "
                               "(done, failed, retried, discarded, dead_lettered, skipped, not_due, continued, unknown_sent_on, limited).",
                               {"job", "outcome"})),
      durations_(registry_->histogram("ebworker_job_duration_seconds",
                                      "Run time of each job's perform(), by job class or periodic task.",
                                      metrics::job_duration_buckets(), {"job"})) {}

void JobCounters::recognise(const std::vector<std::string>& names) {
  std::unique_lock lock(mutex_);
  recognised_.insert(names.begin(), names.end());
}

const JobCounters::Series& JobCounters::series(std::string_view job) {
  {
    std::shared_lock lock(mutex_);
    if (!recognised_.contains(job)) job = kUnknownJob;
    if (auto it = series_.find(job); it != series_.end()) return it->second;
  }
  Series s;
  for (std::size_t i = 0; i < kJobOutcomes; ++i) s.outcomes[i] = &jobs_.with({job, outcome_name(static_cast<JobOutcome>(i))});
  s.duration = &durations_.with({job});
  std::unique_lock lock(mutex_);
  const auto [it, added] = series_.try_emplace(std::string(job), s);
  if (added) it->second.job = it->first;
  return it->second;
}

void JobCounters::count(const JobEvent& event, std::chrono::system_clock::time_point at) {
  const Series& s = series(event.job);
  s.outcomes[static_cast<std::size_t>(event.outcome)]->inc();
  if (event.ran) s.duration->observe(event.ran->count());
  if (is_finish(event.outcome)) history_.finished(at, is_failure(event.outcome));
  if (is_failure(event.outcome))  // JobHistory bounds what came from outside
    history_.failure({.at = at,
                      .job = std::string(s.job),
                      .job_id = std::string(event.job_id),
                      .message_id = std::string(event.message_id),
                      .reason = std::string(event.reason)});
}

std::uint64_t JobCounters::total(JobOutcome outcome) const {
  std::uint64_t sum = 0;
  const std::string_view name = outcome_name(outcome);
  jobs_.for_each([&](const std::vector<std::string>& labels, const metrics::Counter& c) {
    if (labels[1] == name) sum += c.value();
  });
  return sum;
}

std::string JobCounters::describe() const {
  std::string out;
  for (std::size_t i = 0; i < kJobOutcomes; ++i) {
    if (i > 0) out += " ";
    out.append(outcome_name(static_cast<JobOutcome>(i))).append("=").append(std::to_string(total(static_cast<JobOutcome>(i))));
  }
  return out;
}

std::vector<JobCounters::JobSummary> JobCounters::by_job() const {
  std::map<std::string, JobSummary> jobs;
  jobs_.for_each([&](const std::vector<std::string>& labels, const metrics::Counter& c) {
    for (std::size_t i = 0; i < kJobOutcomes; ++i)
      if (labels[1] == outcome_name(static_cast<JobOutcome>(i))) jobs[labels[0]].counts[i] = c.value();
  });
  durations_.for_each([&](const std::vector<std::string>& labels, const metrics::Histogram& h) {
    jobs[labels[0]].duration = h.snapshot();
  });
  std::vector<JobSummary> out;
  for (auto& [name, summary] : jobs) {
    summary.job = name;
    out.push_back(std::move(summary));
  }
  return out;
}

}  // namespace ebworker
