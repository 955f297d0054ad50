#pragma once
// `ebworker sqsd`: a daemon with aws-sqsd's wire behaviour (docs/wire-protocol.md), so a worker
// runs the same off Elastic Beanstalk; and, with a LocalDelivery, the poller inside `ebworker
// serve --queue-url`, the same in every way but how a message reaches the job (sqsd/delivery.h).
// It long-polls the queue, keeps at most HttpConnections POSTs in flight, deletes (in batches)
// what the worker answered 200, makes everything else visible again after
// ErrorVisibilityTimeout, deletes unposted what is older than RetentionPeriod, and, as the cron
// leader, sends the periodic tasks' messages.
// Beyond aws-sqsd: while a POST runs its message's visibility is extended (a job longer than
// VisibilityTimeout is not received twice), a failed answer's Retry-After header (seconds) sets
// when the message comes back instead of ErrorVisibilityTimeout, and while the worker accepts no
// connections the daemon receives nothing (a probe each second tells when it is back), so an
// outage costs each message at most one receive towards MaxRetries. Up to `--receives` long
// polls are in flight at once (never asking for more messages than POST slots are free), and
// `--health-port` serves GET /health and GET /metrics.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cron/cron_file.h"
#include "core/bounded_pool.h"
#include "sqs/sqs_client.h"
#include "sqsd/delete_batcher.h"
#include "sqsd/delivery.h"
#include "sqsd/leader_election.h"
#include "sqsd/periodic_scheduler.h"
#include "sqsd/sqsd_config.h"
#include "sqsd/sqsd_counters.h"
#include "sqsd/sqsd_health_server.h"
#include "sqsd/visibility_heartbeat.h"

namespace ebworker {

class SqsdDaemon {
 public:
  // `cron` is used only by a leader.
  // `leader_table` (--leader dynamodb:TABLE, ready) elects the leader and claims each run.
  // `delivery` hands each message to the worker: by default an HttpDelivery to config.worker_url.
  SqsdDaemon(SqsdConfig config, std::shared_ptr<const SqsClient> sqs, std::vector<CronTask> cron = {},
             std::shared_ptr<const LeaseTable> leader_table = nullptr, std::unique_ptr<Delivery> delivery = nullptr);
  ~SqsdDaemon();
  SqsdDaemon(const SqsdDaemon&) = delete;
  SqsdDaemon& operator=(const SqsdDaemon&) = delete;

  // Starts polling (and, as leader, the scheduler) on background threads.
  Status start();
  // Stops polling: no receive starts after it, the long polls under way give up, and what they
  // still bring is made visible again. The cron leader stops sending and hands its lease back.
  void stop_receiving();
  // stop_receiving(), then waits up to `in_flight_wait` for the messages in flight to be
  // answered, makes messages received but not yet posted visible again and sends the pending
  // deletes. False when messages were still in flight at the end of the wait: their jobs still
  // run, and the caller must end the process without destroying the daemon (their messages come
  // back once their visibility ends).
  bool stop(std::chrono::milliseconds in_flight_wait = std::chrono::milliseconds::max());

  // What has happened to every message so far.
  SqsdCounters counters() const;

  // What /health reports as "leader_state" (and /metrics as leader 1 when it is "leader"); by
  // default "leader" when this daemon sends the periodic tasks, else "follower". An election
  // plugs in its own. Call before start().
  void set_leader_state(std::function<std::string()> state);

  struct Health {
    bool healthy = false;  // received lately and not stopping: /health answers 200
    std::string leader_state;
    double last_receive_age_seconds = 0;  // since the last successful receive (or the start)
    long in_flight = 0;
    bool worker_up = false;
    bool stopping = false;
  };
  Health health() const;

 private:
  void poll();
  void poll_until_stopped();
  // With the lock held: true when the daemon may receive (nothing down, a POST slot free, the
  // deletes not behind).
  bool may_receive() const;
  // While the worker is down one receiver probes it, once no receive is in flight.
  void probe_while_down(std::unique_lock<std::mutex>& lock);
  // Starts the message's POST; its answer is handled on the posting loop (a 200) or, when it
  // may need SQS (a release), by a thread of `answer_handlers_`; then its slot is free.
  void post(long id, std::shared_ptr<const ReceivedMessage> message);
  void handle_answer(const ReceivedMessage& message, const Result<HttpReply, TransportError>& reply,
                     std::chrono::steady_clock::time_point started, const std::string& task_name);
  void post_ended();
  bool expired(const ReceivedMessage& message) const;
  Response health_answer() const;
  Response metrics_answer() const;
  void release(const ReceivedMessage& message, int visibility_seconds, std::string_view why);

  SqsdConfig config_;
  std::shared_ptr<const SqsClient> sqs_;
  std::string queue_name_;
  std::optional<LeaderElection> election_;  // before the scheduler, whose sends ask it
  std::optional<PeriodicScheduler> scheduler_;

  LiveSqsdCounters counters_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  DeleteBatcher deletes_;  // after the two it wakes receivers through
  int in_flight_ = 0;
  long next_id_ = 0;
  bool worker_down_ = false;  // a POST found nothing accepting connections: receive nothing
  std::vector<ReceivedMessage> held_while_down_;  // to release once no receive is in flight
  std::chrono::steady_clock::time_point down_since_;
  bool stopping_ = false;
  bool was_polling_ = false;  // for the totals' one line at the stop
  bool stopped_ = false;
  std::atomic<bool> cancel_receive_{false};  // set at stop: the long polls give up
  // Up to config_.receives receivers, each with at most one ReceiveMessage in flight; those
  // asking hold `reserved_` POST slots between them for the messages they may bring.
  std::vector<std::thread> receivers_;
  int receiving_ = 0;
  int reserved_ = 0;
  bool probing_ = false;
  std::chrono::steady_clock::time_point last_receive_;
  std::function<std::string()> leader_state_;
  std::unique_ptr<SqsdHealthServer> health_server_;
  VisibilityHeartbeat heartbeat_;
  // Last, so they stop first, while everything above is alive (and stop() has waited for every
  // post to end): the delivery, whose completions hand failures to the pool, then the pool.
  BoundedPool answer_handlers_;
  std::unique_ptr<Delivery> delivery_;
};

}  // namespace ebworker
