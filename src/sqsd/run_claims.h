#pragma once
// Each scheduled run sent once across daemons: before the leader sends a run's message it
// creates the item run#<task>#<ISO scheduled time> in the coordination table on condition that
// it does not exist (expires_at = scheduled + 1 day, for the table's TTL). Only the daemon whose
// put succeeds sends. If the send then fails, the claim is deleted (on condition that it is
// still this claim), so the run can be claimed and sent again.
//
// The trade-off: a claim is taken before the send, so a daemon that dies between the two (or
// whose send fails and whose give-back fails too) leaves a run claimed and unsent: at most once
// for that run. Sending first would make it at least once (a leader dying between send and claim
// would be followed by a second send). Periodic tasks are usually "do the nightly work", where a
// missed run is picked up by the next and a double run is the worse surprise.

#include <memory>
#include <string>

#include "dynamodb/lease_table.h"
#include "sqsd/periodic_scheduler.h"

namespace ebworker {

// PeriodicScheduler's claim of each run, in `table`, by `holder` (each claim adds a token of
// its own to it, so a claim is told apart from an earlier one of the same daemon).
PeriodicScheduler::Claim run_claims(std::shared_ptr<const LeaseTable> table, std::string holder);

}  // namespace ebworker
