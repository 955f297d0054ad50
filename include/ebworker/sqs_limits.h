#pragma once
// What SQS allows: the public defaults and bounds that come from it (client_config.h,
// job_registry.h, job_result.h). The library's other shared limits are internal.

#include <chrono>
#include <cstddef>

namespace ebworker {

// The longest SQS keeps a message hidden: its visibility timeout's ceiling, 12 hours.
inline constexpr std::chrono::seconds kSqsMaxVisibility{43200};
// The longest delay one message can carry: 15 minutes.
inline constexpr std::chrono::seconds kSqsMaxDelay{900};
// The largest message, body plus attributes: 1 MiB.
inline constexpr std::size_t kSqsMaxMessageBytes = 1048576;

}  // namespace ebworker
