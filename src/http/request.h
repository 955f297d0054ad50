#pragma once
// What a middleware sees of an HTTP request. The peer address comes from the socket itself
// (getpeername), never from a header.

#include <chrono>
#include <optional>
#include <string>

#include "envelope/envelope.h"
#include "http/headers.h"

namespace ebworker {

// The aws-sqsd headers (protocol.md §1).
namespace sqsd_header {
inline constexpr std::string_view kMessageId = "X-Aws-Sqsd-Msgid";
inline constexpr std::string_view kQueue = "X-Aws-Sqsd-Queue";
inline constexpr std::string_view kFirstReceivedAt = "X-Aws-Sqsd-First-Received-At";
inline constexpr std::string_view kReceiveCount = "X-Aws-Sqsd-Receive-Count";
inline constexpr std::string_view kTaskName = "X-Aws-Sqsd-Taskname";
inline constexpr std::string_view kScheduledAt = "X-Aws-Sqsd-Scheduled-At";
inline constexpr std::string_view kAttributePrefix = "X-Aws-Sqsd-Attr-";
}  // namespace sqsd_header

struct Request {
  std::string method;
  std::string path;
  Headers headers;
  std::string body;
  std::string peer_address;  // textual IP of the connected socket's peer
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();

  // Filled in along the chain: the job this request runs (for log lines) and, once verified,
  // the parsed envelope.
  std::string job_name;
  std::optional<Envelope> envelope;

  std::string_view message_id() const { return headers.get(sqsd_header::kMessageId); }
};

}  // namespace ebworker
