#pragma once
// What a middleware sees of an HTTP request. The peer address comes from the socket itself
// (getpeername), never from a header.

#include <chrono>
#include <string>
#include <string_view>

#include <ebworker/worker/headers.h>

namespace ebworker {

// The headers the Elastic Beanstalk daemon (aws-sqsd, or `ebworker sqsd`) posts a message with
// (docs/wire-protocol.md, "The daemon's POST").
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

  std::string_view message_id() const { return headers.get(sqsd_header::kMessageId); }
  // A periodic task's name (X-Aws-Sqsd-Taskname); empty for a message.
  std::string_view task_name() const { return headers.get(sqsd_header::kTaskName); }
};

}  // namespace ebworker
