#pragma once
// `ebworker sqsd`: a daemon with aws-sqsd's wire behaviour (docs/wire-protocol.md), so a worker
// runs the same off Elastic Beanstalk. It long-polls the queue, keeps at most HttpConnections POSTs
// in flight, deletes (in batches) what the worker answered 200, makes everything else visible again
// after ErrorVisibilityTimeout, deletes unposted what is older than RetentionPeriod, and, as the
// cron leader, sends the periodic tasks' messages.
// Beyond aws-sqsd: while a POST runs its message's visibility is extended (a job longer than
// VisibilityTimeout is not received twice), a failed answer's Retry-After header (seconds) sets
// when the message comes back instead of ErrorVisibilityTimeout, and while the worker accepts no
// connections the daemon receives nothing (a probe each second tells when it is back), so an
// outage costs each message at most one receive towards MaxRetries.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "cron/cron_file.h"
#include "job/job_pool.h"
#include "net/http_client.h"
#include "sqs/sqs_client.h"
#include "sqsd/delete_batcher.h"
#include "sqsd/periodic_scheduler.h"
#include "sqsd/sqsd_config.h"
#include "sqsd/sqsd_counters.h"
#include "sqsd/visibility_heartbeat.h"

namespace ebworker {

class SqsdDaemon {
 public:
  // `cron` is used only by a leader.
  SqsdDaemon(SqsdConfig config, std::shared_ptr<const SqsClient> sqs, std::vector<CronTask> cron = {});
  ~SqsdDaemon();
  SqsdDaemon(const SqsdDaemon&) = delete;
  SqsdDaemon& operator=(const SqsdDaemon&) = delete;

  // Starts polling (and, as leader, the scheduler) on background threads.
  Status start();
  // Stops polling, lets in-flight POSTs finish, makes messages received but not yet posted
  // visible again, sends the pending deletes. Blocks until done.
  void stop();

  // What has happened to every message so far.
  SqsdCounters counters() const;

 private:
  void poll();
  void poll_until_stopped();
  void post(long id, const ReceivedMessage& message);
  bool expired(const ReceivedMessage& message) const;
  bool worker_answers();
  void release(const ReceivedMessage& message, int visibility_seconds, std::string_view why);

  SqsdConfig config_;
  std::shared_ptr<const SqsClient> sqs_;
  std::string queue_name_;
  HttpClient worker_;
  DeleteBatcher deletes_;
  std::optional<PeriodicScheduler> scheduler_;

  LiveSqsdCounters counters_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int in_flight_ = 0;
  long next_id_ = 0;
  bool worker_down_ = false;  // a POST found nothing accepting connections: receive nothing
  std::chrono::steady_clock::time_point down_since_;
  bool stopping_ = false;
  std::atomic<bool> cancel_receive_{false};  // set at stop: the long poll gives up
  std::thread poller_;
  VisibilityHeartbeat heartbeat_;
  JobPool posters_;  // last: joined first, while everything above is alive
};

}  // namespace ebworker
