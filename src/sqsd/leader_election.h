#pragma once
// The cron leader of a queue, elected through the coordination table (dynamodb/lease_table.h):
// every daemon started with --leader dynamodb:TABLE competes for the item leader#<queue name>.
// The one holding it renews it every lease/3; the others try to take it every lease/3, and can
// only once it has expired (expires_at < their now). A leader whose renewals fail stops counting
// itself leader when the lease it last won runs out, without waiting for DynamoDB to answer, so
// it stops sending at once; a daemon that stops hands the lease back (deletes the item).
//
// Elections are efficiency, not safety: every run is also claimed before it is sent
// (PeriodicScheduler's claims), so two daemons that both think they lead still send it once.
// Clocks are compared across daemons (expires_at is written from the holder's clock and read
// against the taker's): keep them synchronised (NTP, as on EC2) to well under a lease.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "dynamodb/lease_table.h"

namespace ebworker {

// The lease's arithmetic alone, for a clock of the caller's.
class LeaseState {
 public:
  using Time = std::chrono::system_clock::time_point;

  explicit LeaseState(std::chrono::seconds lease) : lease_(lease) {}

  std::chrono::seconds lease() const { return lease_; }
  std::chrono::milliseconds renew_interval() const { return std::chrono::milliseconds(lease_) / 3; }

  // A take or renew was sent at `sent` (whatever came of it).
  void tried(Time sent) { last_tried_ = sent; }
  // It succeeded: the lease is ours until sent + lease (DynamoDB's copy says a little later:
  // expires_at() rounds up to whole seconds).
  void won(Time sent) { held_until_ = sent + lease_; last_won_ = sent; }
  // It failed: another holds it.
  void lost() { held_until_.reset(); }
  bool leading(Time now) const { return held_until_ && now < *held_until_; }
  // The expiry to write for a take or renew sent at `sent`, in epoch seconds rounded up.
  std::chrono::sys_seconds expires_at(Time sent) const {
    return std::chrono::ceil<std::chrono::seconds>(sent + lease_);
  }
  // When to take or renew next: a leader renews a third of a lease after its last win, and
  // after a renewal DynamoDB did not answer, tries again each ninth of a lease until the lease
  // runs out; the others try again a third of a lease from now.
  Time next_attempt(Time now) const {
    if (!leading(now)) return now + renew_interval();
    const Time next = std::max(last_won_ + renew_interval(), last_tried_ + renew_interval() / 3);
    return std::max(now, std::min(next, *held_until_));
  }
  std::optional<Time> held_until() const { return held_until_; }

 private:
  std::chrono::seconds lease_;
  std::optional<Time> held_until_;
  Time last_won_{};
  Time last_tried_{};
};

class LeaderElection {
 public:
  using Clock = std::function<LeaseState::Time()>;

  // `on_acquired` runs (on the election's thread) each time this daemon becomes leader.
  LeaderElection(std::shared_ptr<const LeaseTable> table, std::string queue_name, std::string holder,
                 std::chrono::seconds lease, std::function<void()> on_acquired = {},
                 Clock clock = [] { return std::chrono::system_clock::now(); });
  ~LeaderElection();
  LeaderElection(const LeaderElection&) = delete;
  LeaderElection& operator=(const LeaderElection&) = delete;

  // True while the lease last won has not run out by this daemon's clock.
  bool leading() const;
  const std::string& holder() const { return holder_; }

  // One take or renew, logging "leader acquired" / "leader lost" on a change; returns when the
  // next is due.
  LeaseState::Time step();

  // step() on a thread until stop(), which also hands the lease back if held.
  void start();
  void stop();

 private:
  // Logs a change of leadership once; a loss says when leading ended (`ended`), which may be
  // before the line when a call to DynamoDB outlasted the lease.
  void note_change(bool was_leading, const std::string& why, LeaseState::Time ended);

  std::shared_ptr<const LeaseTable> table_;
  std::string key_;
  std::string holder_;
  std::function<void()> on_acquired_;
  Clock clock_;
  mutable std::mutex mutex_;
  LeaseState state_;
  bool logged_leading_ = false;  // what was last logged, so each change is logged once
  bool stopping_ = false;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace ebworker
