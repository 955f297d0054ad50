#pragma once
// One lease held for as long as a run lasts: taken by the caller (LeaseTable::take), renewed on a
// thread of its own every third of the lease, so a run longer than the lease keeps it and a
// worker that dies mid-run frees it within a lease; deleted when the hold is destroyed. An
// exclusive periodic task's run holds one (exclusive_runs.h), and so does a run in a concurrency
// limit's slot (concurrency_slots.h).

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dynamodb/lease_table.h"

namespace ebworker {

class HeldLease {
 public:
  // `key` is already `holder`'s until about now + `lease`.
  HeldLease(std::shared_ptr<const LeaseTable> table, std::string key, std::string holder, std::chrono::seconds lease);
  ~HeldLease();
  HeldLease(const HeldLease&) = delete;
  HeldLease& operator=(const HeldLease&) = delete;

  const std::string& key() const { return key_; }

 private:
  std::shared_ptr<const LeaseTable> table_;
  std::string key_;
  std::string holder_;
  std::chrono::seconds lease_;
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
  std::thread renewer_;
};

}  // namespace ebworker
