#pragma once
// The cron leader: at each due time of each cron.yaml task it sends the "elasticbeanstalk scheduled
// job" message to the worker queue, as Elastic Beanstalk's leader does (docs/wire-protocol.md,
// "cron.yaml"); whichever daemon receives it posts it to the task's url. Runs missed while the
// daemon was down are not replayed: it starts from the time it starts. If the clock jumps past
// several due times of one task, that task is sent once, for the latest of them.
//
// With several daemons electing a leader (Options): only while `may_send` says so does it send,
// each run is claimed first (`claim`; a run another scheduler claimed is not sent), and a run
// whose send fails is given back so that it can be sent again. While it may not send, it keeps
// the last `catch_up` seconds open: when it becomes leader (wake()), it sends every run due in
// that window whose claim does not exist, which covers the runs of a leader that died between
// its last renewal and its successor's take-over.

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

  // A run this scheduler claimed; give_back() undoes the claim after a send that failed.
  struct RunClaim {
    std::function<Status()> give_back{};
  };
  // The claim of one run: a RunClaim when this scheduler won it, nullopt when another had it.
  using Claim = std::function<Result<std::optional<RunClaim>>(const CronTask& task, Time scheduled)>;

  struct Options {
    std::chrono::seconds catch_up{0};
    std::function<bool()> may_send{};  // empty: always
    Claim claim{};                     // empty: runs are sent unclaimed
  };

  PeriodicScheduler(std::vector<CronTask> tasks, Send send, Clock clock = system_clock_now);
  PeriodicScheduler(std::vector<CronTask> tasks, Send send, Clock clock, Options options);
  ~PeriodicScheduler();

  // Sends every task due since the last tick (or since construction), up to now. Returns when
  // the next task is due, or nullopt when none ever will be.
  std::optional<Time> tick();

  // tick() on a thread, sleeping until each next due time, until stop().
  void start();
  void stop();
  // The thread ticks now (leadership was just acquired: the catch-up window is sent).
  void wake();

  static Time system_clock_now();

 private:
  Status send_guarded(const CronTask& task, Time scheduled);
  // Claims (when claims are on) and sends one run, logging what happened.
  void send_run(const CronTask& task, Time scheduled);
  // The due times of `task` in (checked_until_, now] that tick() sends.
  std::vector<Time> runs_to_send(const CronTask& task, Time now, std::optional<Time>& next) const;

  std::vector<CronTask> tasks_;
  Send send_;
  Clock clock_;
  Options options_;
  Time checked_until_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

// The message the leader sends for one run of a task.
OutgoingMessage scheduled_job_message(const CronTask& task, PeriodicScheduler::Time scheduled);

}  // namespace ebworker
