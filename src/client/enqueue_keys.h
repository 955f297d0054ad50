#pragma once
// What the enqueue client keeps in the limits table (EBWORKER_LIMITS_TABLE, the workers' own,
// dynamodb/lease_table.h) before it sends a job:
//   unique#KEY    a unique job's claim: taken for its window only when no unexpired claim is
//                 there, so another enqueue of the key within it sends nothing ("already
//                 enqueued"); handed back when the send fails.
//   debounce#KEY  a debounced job: the job id of the key's last enqueue, written whoever held it.
//                 The message goes out delayed by the window, and a worker runs it only when it
//                 is still the one named there (worker/limit_gate.h).

#include <chrono>
#include <memory>
#include <string_view>

#include <ebworker/client/client_config.h>
#include <ebworker/environment.h>
#include <ebworker/result.h>

#include "dynamodb/lease_table.h"

namespace ebworker {

// A debounce item outlives its window by this much: its message may be deferred (not due, a
// limit) after the window, and must still find it. Expired, it is read all the same.
inline constexpr std::chrono::hours kDebounceItemGrace{24};

class EnqueueKeys {
 public:
  explicit EnqueueKeys(std::shared_ptr<const LeaseTable> table);
  const std::string& table_name() const { return table_->name(); }

  // True: `job_id` holds the claim of `unique_key` for `window`; false: an unexpired claim is there.
  AwsResult<bool> claim_unique(std::string_view unique_key, std::string_view job_id, std::chrono::seconds window) const;
  // Hands the claim back (if still `job_id`'s); else it expires with its window.
  void release_unique(std::string_view unique_key, std::string_view job_id) const;
  // `job_id` becomes the one run of `debounce_key` (its earlier enqueues' messages are skipped).
  AwsResult<void> debounce(std::string_view debounce_key, std::string_view job_id, std::chrono::seconds window) const;

 private:
  std::shared_ptr<const LeaseTable> table_;
};

// The client's keys in `config.limits_table`, its DynamoDB endpoint from `config.dynamodb_endpoint`
// with what is empty there read from `env` (dynamodb/dynamodb_endpoint.h); null when no table is
// named. The table is not called: a wrong name shows at the first unique or debounced enqueue.
Result<std::shared_ptr<const EnqueueKeys>> enqueue_keys_for(const ClientConfig& config, const Environment& env);

}  // namespace ebworker
