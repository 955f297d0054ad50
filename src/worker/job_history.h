#pragma once
// What the status page shows of the recent past: jobs finished and failed per minute over the
// last 15 minutes (a ring of minute buckets), and the latest 20 failures. One short lock per
// job finished; the counters themselves are the metrics registry's.

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace ebworker {

struct JobFailure {
  std::chrono::system_clock::time_point at{};
  std::string job{};
  std::string job_id{};
  std::string message_id{};
  std::string reason{};
};

struct MinuteTally {
  std::chrono::sys_seconds minute{};  // its start
  std::uint64_t finished = 0;         // jobs that ran to an outcome (done, failed, retried, ...)
  std::uint64_t failed = 0;           // of them, failed or dead-lettered
};

class JobHistory {
 public:
  static constexpr std::size_t kMinutes = 15;
  static constexpr std::size_t kFailures = 20;
  // What a failure keeps of its texts, which may come from outside (core/text.h bounded_utf8):
  // the job, job id and message id, and the longer reason.
  static constexpr std::size_t kMaxIdBytes = 200;
  static constexpr std::size_t kMaxReasonBytes = 1000;

  void finished(std::chrono::system_clock::time_point at, bool failed);
  // Kept with its texts valid UTF-8 and bounded.
  void failure(JobFailure failure);

  // The last kMinutes minutes up to `now`'s, oldest first; minutes with nothing are zeros.
  std::vector<MinuteTally> minutes(std::chrono::system_clock::time_point now) const;
  // Newest first.
  std::vector<JobFailure> failures() const;

 private:
  mutable std::mutex mutex_;
  std::array<MinuteTally, kMinutes> ring_{};  // slot = minute number % kMinutes
  std::deque<JobFailure> failures_;
};

}  // namespace ebworker
