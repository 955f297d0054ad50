#pragma once
// Keeps the messages whose POST is still running invisible: before a message's visibility runs
// out, it is extended by another VisibilityTimeout (ChangeMessageVisibility), so a job that
// outlives VisibilityTimeout is never received and posted a second time while it runs. The
// POST itself is bounded by InactivityTimeout, so the extensions are too.
//
// One thread for all messages. forget() waits for an extension of that message already under
// way, so that no extension lands after the daemon has released the message (it would hide it
// again). drop() does not wait: for a message about to be deleted, a late extension can only
// fail, and the posting loop that drops it must not wait on an SQS round trip.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "ebworker/result.h"

namespace ebworker {

class VisibilityHeartbeat {
 public:
  using Clock = std::chrono::steady_clock;
  // Makes the message invisible for `seconds` from now; an error says why SQS refused.
  using Extend = std::function<Status(const std::string& receipt_handle, int seconds)>;

  // `visibility` is what each extension sets; extensions happen when a third of it is left.
  VisibilityHeartbeat(std::chrono::seconds visibility, Extend extend);
  ~VisibilityHeartbeat();
  VisibilityHeartbeat(const VisibilityHeartbeat&) = delete;
  VisibilityHeartbeat& operator=(const VisibilityHeartbeat&) = delete;

  // From now (just received, so `visibility` is what is left) until forget(id).
  void watch(long id, std::string receipt_handle);
  void forget(long id);  // waits for its extension under way, if any
  void drop(long id);    // does not; a failure of that extension is then not counted

  long extended() const;
  long failed() const;

 private:
  struct Entry {
    std::string receipt_handle;
    Clock::time_point due;
  };
  void run();

  const std::chrono::seconds visibility_;
  const Clock::duration lead_;  // how long before the visibility runs out an extension is sent
  const Extend extend_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<long, Entry> entries_;
  long busy_ = -1;  // the message being extended now, outside the lock
  bool stopping_ = false;
  long extended_ = 0;
  long failed_ = 0;
  std::thread thread_;
};

}  // namespace ebworker
