#include "sqsd/leader_election.h"

#include <spdlog/spdlog.h>

#include "core/iso_time.h"

namespace ebworker {

LeaderElection::LeaderElection(std::shared_ptr<const LeaseTable> table, std::string queue_name, std::string holder,
                               std::chrono::seconds lease, std::function<void()> on_acquired, Clock clock)
    : table_(std::move(table)),
      key_(leader_key(queue_name)),
      holder_(std::move(holder)),
      on_acquired_(std::move(on_acquired)),
      clock_(std::move(clock)),
      state_(lease) {}

LeaderElection::~LeaderElection() { stop(); }

bool LeaderElection::leading() const {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  return state_.leading(now);
}

void LeaderElection::note_change(bool was_leading, const std::string& why, LeaseState::Time ended) {
  if (was_leading == logged_leading_) return;
  logged_leading_ = was_leading;
  if (was_leading)
    spdlog::info("leader acquired: {} holds {} in {} for {} s", holder_, key_, table_->name(),
                 state_.lease().count());
  else
    spdlog::warn("leader lost: {} no longer holds {} since {} ({}): periodic tasks are not sent from here", holder_,
                 key_, iso8601_utc(ended), why);
}

LeaseState::Time LeaderElection::step() {
  const auto sent = clock_();
  bool leading_before;
  std::optional<LeaseState::Time> held_before;
  {
    std::lock_guard lock(mutex_);
    leading_before = state_.leading(sent);
    held_before = state_.held_until();
  }
  const auto until = state_.expires_at(sent);
  // A leader renews; the others (and a leader whose lease just ran out) try to take it.
  auto won = leading_before ? table_->renew(key_, holder_, until)
                            : table_->take(key_, holder_, std::chrono::floor<std::chrono::seconds>(sent), until);
  bool acquired = false;
  std::string why;
  LeaseState::Time next;
  {
    std::lock_guard lock(mutex_);
    state_.tried(sent);
    if (won && *won) {
      state_.won(sent);
    } else if (won) {
      state_.lost();
      why = "another daemon holds it";
    } else {
      // Undecided: the lease stays ours until it runs out, and no longer.
      why = "DynamoDB did not answer: " + won.error().describe();
      spdlog::warn("leader election: {} {}: {}", leading_before ? "renewing" : "taking", key_, won.error().describe());
    }
    const auto now = clock_();
    const bool leading_now = state_.leading(now);
    acquired = leading_now && !logged_leading_;
    if (!leading_now && why.empty()) why = "its lease ran out";
    // The call may have outlasted the lease: leading() said false from the lease's end on.
    note_change(leading_now, why, held_before ? std::min(now, *held_before) : now);
    next = state_.next_attempt(now);
  }
  if (acquired && on_acquired_) on_acquired_();
  return next;
}

void LeaderElection::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      LeaseState::Time next = clock_() + std::chrono::seconds(1);
      try {
        next = step();
      } catch (const std::exception& e) {
        spdlog::error("leader election: a round failed: {}", e.what());
      }
      lock.lock();
      // Wake at the next attempt, or when the lease runs out if that is sooner: a loss is
      // logged when it happens, not at the next answer.
      auto wake_at = next;
      if (const auto until = state_.held_until(); until && *until < wake_at) wake_at = *until;
      wake_.wait_until(lock, wake_at, [this] { return stopping_; });
      if (!stopping_) {
        const bool leading_now = state_.leading(clock_());
        if (!leading_now && logged_leading_)
          note_change(false, "its lease ran out before a renewal succeeded", state_.held_until().value_or(clock_()));
      }
    }
  });
}

void LeaderElection::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  bool held;
  const auto now = clock_();
  {
    std::lock_guard lock(mutex_);
    held = state_.leading(now);
    state_.lost();
  }
  if (!held) return;
  // Logged before the release: from the release on another daemon may lead, and a log read
  // across daemons must never show two leaders at once.
  spdlog::info("leader lost: {} hands back {} since {} (stopping)", holder_, key_, iso8601_utc(now));
  // Handed back, so that another daemon leads at its next try instead of after the lease.
  auto released = table_->release(key_, holder_);
  if (!released)
    spdlog::warn("leader election: could not hand back {}: {} (another daemon takes it when it expires)", key_,
                 released.error().describe());
}

}  // namespace ebworker
