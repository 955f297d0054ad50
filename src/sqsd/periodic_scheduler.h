#pragma once
// The cron leader: at each due time of each cron.yaml task it sends the "elasticbeanstalk scheduled
// job" message to the worker queue, as Elastic Beanstalk's leader does (docs/wire-protocol.md,
// "cron.yaml"); whichever daemon receives it posts it to the task's url. Runs missed while the
// daemon was down are not replayed: it starts from the time it starts. If the clock jumps past
// several due times of one task, that task is sent once, for the latest of them.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cron/cron_file.h"
#include "sqs/sqs_messages.h"

namespace ebworker {

class PeriodicScheduler {
 public:
  using Time = std::chrono::sys_seconds;
  using Clock = std::function<Time()>;
  using Send = std::function<Status(const CronTask& task, Time scheduled)>;

  PeriodicScheduler(std::vector<CronTask> tasks, Send send, Clock clock = system_clock_now);
  ~PeriodicScheduler();

  // Sends every task due since the last tick (or since construction), up to now. Returns when
  // the next task is due, or nullopt when none ever will be.
  std::optional<Time> tick();

  // tick() on a thread, sleeping until each next due time, until stop().
  void start();
  void stop();

  static Time system_clock_now();

 private:
  Status send_guarded(const CronTask& task, Time scheduled);

  std::vector<CronTask> tasks_;
  Send send_;
  Clock clock_;
  Time checked_until_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The message the leader sends for one run of a task.
OutgoingMessage scheduled_job_message(const CronTask& task, PeriodicScheduler::Time scheduled);

}  // namespace ebworker
