#pragma once
// A concurrency limit's slots in the limits table (dynamodb/lease_table.h): a limit of N for a
// key is the N items slot#<class>#<key>#0 … #N-1, each a lease one run holds. A run takes the
// first free (absent or expired) one, trying them from a random start so that runs racing for
// the same key spread over the slots; when every one is held by an unexpired lease the limit is
// reached. Calls per run: one conditional put when a slot is free at the first try (up to N
// when they are busy), a renewal every third of the lease, one delete at the end.
//
// "At most N at once" holds while every holder renews in time: a run whose worker is stopped
// (SIGSTOP, a frozen VM) for longer than its lease loses its slot to another run, and both run.
// A worker killed mid-run leaves its slot until the lease expires.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <ebworker/worker/flow_control.h>

#include "dynamodb/lease_table.h"
#include "worker/held_lease.h"

namespace ebworker {

// A limit's key function (flow_control.h).
using LimitKeyFunction = std::string (*)(const rapidjson::Value& arguments);

// The key a limit counts under, as an item key can hold it: the key function's text (none: the
// class as a whole, "*"), or past 200 bytes "sha256:" and its digest.
std::string limit_key(LimitKeyFunction key, const rapidjson::Value& arguments);

class ConcurrencySlots {
 public:
  // `holder` names this worker process (make_holder_id()); each run adds a token of its own.
  ConcurrencySlots(std::shared_ptr<const LeaseTable> table, std::string holder);
  const LeaseTable& table() const { return *table_; }

  // A slot of `job_class`'s limit for `key`, held until the HeldLease is destroyed; null when
  // all `limit.max` are held. An error when the table did not answer.
  AwsResult<std::unique_ptr<HeldLease>> take(std::string_view job_class, std::string_view key,
                                             const ConcurrencyLimit& limit) const;

 private:
  std::shared_ptr<const LeaseTable> table_;
  std::string holder_;
};

}  // namespace ebworker
