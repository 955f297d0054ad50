#pragma once
// Limits used in more than one place, each named once. SQS's that the public API also needs
// are defined in <ebworker/sqs_limits.h>; here they are in the forms the settings tables use.

#include <cstddef>

#include <ebworker/sqs_limits.h>

namespace ebworker {

inline constexpr int kMaxVisibilitySeconds = static_cast<int>(kSqsMaxVisibility.count());
inline constexpr int kMaxDelaySeconds = static_cast<int>(kSqsMaxDelay.count());
// The longest long poll of one ReceiveMessage.
inline constexpr int kMaxWaitSeconds = 20;
// Entries of one SendMessageBatch or DeleteMessageBatch, and messages of one ReceiveMessage.
inline constexpr std::size_t kMaxBatchEntries = 10;

}  // namespace ebworker
