#pragma once
// Exclusive periodic tasks (cron.yaml `exclusive: true`): one run at a time across every worker
// instance. Before running such a task the worker takes the lease lock#<task name> in
// EBWORKER_LOCK_TABLE (the coordination table, dynamodb/lease_table.h); while another run holds
// it the task is skipped (200, logged), and while the run lasts the lease is renewed every third
// of it, so a run longer than the lease keeps it and a worker that dies mid-run frees it within
// a lease. The lease is deleted when the run ends.
//
// Without EBWORKER_LOCK_TABLE a cron.yaml with an exclusive task does not start the worker: an
// exclusive task run everywhere at once is the thing the setting exists to prevent.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <ebworker/environment.h>
#include <ebworker/result.h>

#include "dynamodb/lease_table.h"
#include "worker/held_lease.h"

namespace ebworker {

class CronFile;

class ExclusiveRuns {
 public:
  static constexpr std::chrono::seconds kDefaultLease{60};

  ExclusiveRuns(std::shared_ptr<const LeaseTable> table, std::string holder,
                std::chrono::seconds lease = kDefaultLease);

  // One run's hold of its task's lease, handed back when destroyed.
  using Lock = HeldLease;

  // The lease of `task` for one run: a Lock, or null when another run holds it.
  Result<std::unique_ptr<Lock>> take(std::string_view task) const;

 private:
  std::shared_ptr<const LeaseTable> table_;
  std::string holder_;
  std::chrono::seconds lease_;
};

// For a cron.yaml with exclusive tasks: the lock table EBWORKER_LOCK_TABLE names (it must exist),
// or an error saying to set it. Null when no task is exclusive.
Result<std::shared_ptr<const ExclusiveRuns>> exclusive_runs_for(const CronFile& cron, const Environment& env);

}  // namespace ebworker
