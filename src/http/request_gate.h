#pragma once
// A cheap first look at a connection's bytes, before pistache parses them. pistache 0.0.5 parses
// a request's headers again from the start each time more bytes arrive, so 100,000 headers held
// an I/O thread for seconds; and it answers a bad Content-Length with a 500 naming a C++
// exception. The gate reads each byte once, keeps a bounded state per connection (the current
// line's first bytes, a few counters), follows keep-alive from one request to the next by their
// Content-Length, and refuses at once what breaks a limit: 431 for too many headers or too large
// a header block, 400 for a bad or contradictory Content-Length, 413 for a body over the limit,
// 411 for a Transfer-Encoding body (whose end it could not follow).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <ebworker/worker/request.h>

#include "core/limits.h"

namespace ebworker {

struct RequestLimits {
  // aws-sqsd sends about 15 headers, plus one X-Aws-Sqsd-Attr-* per message attribute (SQS allows
  // 10); nginx in front passes at most 8 KiB a line, 32 KiB in all (its defaults).
  std::size_t max_headers = 100;
  std::size_t max_header_bytes = 64 * 1024;  // request line and headers, line ends included
  std::size_t max_body = kSqsMaxMessageBytes;
};

// Why a request was refused, with what was read of it for the log line (method, path, the
// daemon's message id and task name; the rest of the headers are not kept).
struct GateRefusal {
  int status;
  std::string reason;
  Request request;
};

class RequestGate {
 public:
  explicit RequestGate(RequestLimits limits) : limits_(limits) {}

  // Takes the connection's next bytes. A refusal once a request breaks a limit; from then on the
  // connection is done for (closing() is true) and later bytes are ignored.
  std::optional<GateRefusal> scan(std::string_view bytes);

  // No request is partly received: the connection waits for the next one.
  bool between_requests() const { return !closing_ && in_head_ && head_bytes_ == 0; }
  bool closing() const { return closing_; }
  // When the first byte of the request now arriving came (meaningful unless between_requests()).
  std::chrono::steady_clock::time_point request_started() const { return started_; }
  // What was read of the request now arriving, for a log line.
  Request partial_request() const;

 private:
  std::optional<GateRefusal> end_of_line(std::string_view line, bool truncated);
  std::optional<GateRefusal> end_of_head();
  GateRefusal refuse(int status, std::string reason);
  void next_request();

  RequestLimits limits_;
  bool closing_ = false;
  bool in_head_ = true;
  std::uint64_t body_left_ = 0;

  // The request being read.
  std::chrono::steady_clock::time_point started_{};
  std::size_t head_bytes_ = 0;
  std::size_t headers_ = 0;
  bool request_line_seen_ = false;
  std::string line_;  // the current line's first kKeptLine bytes
  bool line_truncated_ = false;
  std::string method_, path_, message_id_, task_name_;
  std::optional<std::uint64_t> content_length_;
  std::string first_content_length_;
  bool transfer_encoding_ = false;
};

}  // namespace ebworker
