#include "sqsd/visibility_heartbeat.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ebworker {

VisibilityHeartbeat::VisibilityHeartbeat(std::chrono::seconds visibility, Extend extend)
    : visibility_(visibility),
      lead_(std::max<Clock::duration>(std::chrono::milliseconds(500), visibility / 3)),
      extend_(std::move(extend)),
      thread_([this] { run(); }) {}

VisibilityHeartbeat::~VisibilityHeartbeat() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void VisibilityHeartbeat::watch(long id, std::string receipt_handle) {
  if (visibility_.count() == 0) return;  // visible at once anyway: nothing to keep
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    first = entries_.empty();
    entries_[id] = Entry{std::move(receipt_handle), Clock::now() + visibility_ - lead_};
  }
  // Every entry is due a fixed time after it was added or extended, so a new one is never due
  // before those the thread already waits for: only a thread waiting on nothing needs waking.
  if (first) changed_.notify_all();
}

void VisibilityHeartbeat::forget(long id) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return busy_ != id; });
  // No wake-up: a thread waiting for the erased entry's time finds it gone then and looks again.
  entries_.erase(id);
}

void VisibilityHeartbeat::drop(long id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

long VisibilityHeartbeat::extended() const {
  std::lock_guard lock(mutex_);
  return extended_;
}

long VisibilityHeartbeat::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

void VisibilityHeartbeat::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto next = std::min_element(entries_.begin(), entries_.end(),
                                 [](const auto& a, const auto& b) { return a.second.due < b.second.due; });
    if (next == entries_.end()) {
      changed_.wait(lock);
      continue;
    }
    if (const Clock::time_point due = next->second.due; Clock::now() < due) {
      // A copy: while this waits, forget() may erase the entry the iterator points at.
      changed_.wait_until(lock, due);
      continue;  // something may have changed: look again
    }
    const long id = next->first;
    const std::string handle = next->second.receipt_handle;
    next->second.due = Clock::now() + visibility_ - lead_;
    busy_ = id;
    lock.unlock();
    const Status extension = extend_(handle, static_cast<int>(visibility_.count()));
    lock.lock();
    busy_ = -1;
    if (extension) {
      ++extended_;
    } else if (entries_.count(id) == 0) {
      // Dropped meanwhile: its POST ended and it is being deleted, which is why SQS refused.
      spdlog::debug("the extension of a message deleted meanwhile failed: {}", extension.error().message);
    } else {
      ++failed_;
      spdlog::warn("could not extend a running message's visibility: {}", extension.error().message);
    }
    changed_.notify_all();
  }
}

}  // namespace ebworker
