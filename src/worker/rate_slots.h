#pragma once
// A rate limit's slots in the limits table (dynamodb/lease_table.h): a limit of N per interval
// for a key is the N items rate#<class>#<key>#0 … #N-1, each saying until when (free_at_ms) it
// is used by the run that last started in it. A run may start when one is free at its worker's
// clock (absent, or free_at_ms passed): one conditional put makes it used for the interval.
// So no more than N runs start in any interval, as the workers' clocks agree; a run deferred
// here used nothing. Calls per run: one conditional put when the first slot tried is free, up to
// N when they are used. Each item also carries holder and expires_at (its TTL, whole seconds
// past free_at_ms), as every item of the table does.
//
// A put whose answer was lost is not read back: the retry sees the slot used and the run is
// deferred, which can only start fewer runs than the limit allows, never more.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <ebworker/worker/flow_control.h>

#include "dynamodb/dynamodb_client.h"

namespace ebworker {

class RateSlots {
 public:
  RateSlots(std::shared_ptr<const DynamoClient> dynamo, std::string table, std::string holder);

  // True: a run of `job_class` for `key` may start at `now` (a slot is now used until now +
  // limit.per); false: limit.max runs started within the last limit.per.
  AwsResult<bool> take(std::string_view job_class, std::string_view key, const RateLimit& limit,
                       std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  std::shared_ptr<const DynamoClient> dynamo_;
  std::string table_;
  std::string holder_;
};

}  // namespace ebworker
