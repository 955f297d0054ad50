#pragma once
// CloudWatch embedded metric format (EMF) records of the job counters, for a worker without
// Prometheus: each is one JSON line on stdout with an `_aws` member, which the CloudWatch agent
// (and Beanstalk's log streaming to CloudWatch Logs) turns into metrics. Values are deltas since
// the previous record, so CloudWatch's Sum over a period is what the worker did in it.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "worker/job_counters.h"

namespace ebworker {

// One record per job class whose done, failed, retried, discarded or dead_lettered count, or
// run count, changed from `previous` to `current` (both JobCounters::by_job()), in `current`'s
// order. Dimension `job` (a registered job class, or kUnknownJob); counts as Count; `duration`,
// the mean run time in Milliseconds over the interval, only when a run was timed in it. A job
// class absent from `previous` starts at 0. Every string is valid UTF-8 (write_json_string).
std::vector<std::string> emf_records(const std::vector<JobCounters::JobSummary>& previous,
                                     const std::vector<JobCounters::JobSummary>& current, std::string_view name_space,
                                     std::chrono::system_clock::time_point timestamp);

// Writes emf_records every `interval` on its own thread, and once more when stopped (so a
// worker that ran for less than an interval still reports). `write` gets one line at a time.
class EmfReporter {
 public:
  using Write = std::function<void(const std::string& line)>;
  EmfReporter(std::shared_ptr<const JobCounters> jobs, std::string name_space, std::chrono::seconds interval,
              Write write);
  ~EmfReporter();  // stop()
  EmfReporter(const EmfReporter&) = delete;
  EmfReporter& operator=(const EmfReporter&) = delete;

  // Ends the thread after its final record; later calls do nothing.
  void stop();

 private:
  void report();
  void run(std::stop_token stop);

  std::shared_ptr<const JobCounters> jobs_;
  std::string name_space_;
  std::chrono::seconds interval_;
  Write write_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::vector<JobCounters::JobSummary> reported_;  // the counts the last record was made from
  std::jthread thread_;                            // last: started once the rest is ready
};

// The raw EMF line to stdout, whatever EBWORKER_LOG_FORMAT is: a logger of its own, pattern %v.
EmfReporter::Write emf_stdout_writer();

}  // namespace ebworker
