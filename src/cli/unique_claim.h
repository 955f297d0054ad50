#pragma once
// `ebworker enqueue --unique KEY`: before the message is sent, the key is claimed in
// EBWORKER_LIMITS_TABLE (item unique#KEY, for the key's window from now) by a conditional put
// that succeeds only when no unexpired claim is there; a second enqueue within the window finds
// it and is answered "already enqueued", sending nothing. The claim is handed back when the send
// fails. The worker's side (skipping a duplicate whose key ran within the window) is Dispatch's.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <ebworker/environment.h>
#include <ebworker/result.h>

#include "dynamodb/lease_table.h"

namespace ebworker {

inline constexpr std::chrono::seconds kDefaultUniqueFor{3600};

class UniqueClaim {
 public:
  UniqueClaim(std::shared_ptr<const LeaseTable> table, std::string key, std::string holder);
  // Deletes the claim (if still ours).
  void release();

 private:
  std::shared_ptr<const LeaseTable> table_;
  std::string key_;
  std::string holder_;
};

// The claim, nullopt when an unexpired one is there (already enqueued), or an error (no table,
// DynamoDB did not answer).
Result<std::optional<UniqueClaim>> claim_unique(const Environment& env, std::string_view unique_key,
                                                std::chrono::seconds window);

}  // namespace ebworker
