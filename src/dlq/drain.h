#pragma once
// Taking messages off a queue, or reading them all without taking any, one batch at a time: each received message that `select` picks is
// passed to `forward` (when given) and deleted only once that succeeded, so a crash in between
// leaves it in both places, never in neither. Messages not picked, or whose forward failed, are
// held (invisible for the visibility timeout) while the rest are read, so that each is seen once,
// and made visible again at the end.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sqs/sqs_client.h"

namespace ebworker {

struct DrainOptions {
  std::size_t max_messages = 10000;  // distinct messages examined at most
  int visibility_timeout = 30;       // seconds a received message stays hidden at most
  int wait_seconds = 1;              // long poll, so an empty answer means an empty queue
};

struct DrainCounts {
  std::size_t examined = 0;  // distinct messages received
  std::size_t done = 0;      // forwarded (if asked) and deleted
  std::size_t failed = 0;    // forward or delete failed
  std::size_t skipped = 0;   // not selected
};

struct DrainHooks {
  std::function<bool(const ReceivedMessage&)> select{};                 // empty: every message
  std::function<SqsResult<void>(const ReceivedMessage&)> forward{};     // empty: delete only
  std::function<void(const ReceivedMessage&, const std::string& why)> on_failure{};
  std::function<void(const DrainCounts&)> on_progress{};                // after each batch
};

struct DrainResult {
  DrainCounts counts{};
  bool reached_max = false;       // more may be left
  std::size_t not_released = 0;   // held messages that stay hidden until their timeout
};

// Stops when an answer brings nothing, or nothing new three times running, or at max_messages.
// A failed ReceiveMessage ends it with that error (what was held is released first).
SqsResult<DrainResult> drain(const SqsClient& sqs, const std::string& queue_url, const DrainOptions& options,
                             const DrainHooks& hooks);

struct ReadMessages {
  std::vector<ReceivedMessage> messages{};  // distinct by message id, in the order received
  bool reached_max = false;
  std::size_t not_released = 0;
};

// Every message, none taken: a drain that selects nothing. Each one's ApproximateReceiveCount
// goes up by one; nothing else changes.
SqsResult<ReadMessages> read_messages(const SqsClient& sqs, const std::string& queue_url, const DrainOptions& options);

}  // namespace ebworker
