#include "http/request_gate.h"

#include <cstring>

#include "core/text.h"

namespace ebworker {

namespace {

// Enough of a line for a header's name and any value the gate reads (a Content-Length, a message
// id, a task name, the request line's method and path); the rest of a longer line is skipped.
constexpr std::size_t kKeptLine = 512;
// A value quoted in a reason: enough to recognise it, never a whole hostile header.
constexpr std::size_t kQuoted = 40;
// The path, message id and task name kept for the log line.
constexpr std::size_t kKeptValue = 256;
// 19 digits always fit in 64 bits; a longer Content-Length is no size a worker could take.
constexpr std::size_t kMaxLengthDigits = 19;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view value) {
  return "\"" + std::string(value.substr(0, kQuoted)) + (value.size() > kQuoted ? "…\"" : "\"");
}

std::optional<std::uint64_t> byte_count(std::string_view digits) {
  if (digits.empty() || digits.size() > kMaxLengthDigits) return std::nullopt;
  std::uint64_t n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

std::optional<GateRefusal> RequestGate::scan(std::string_view bytes) {
  while (!bytes.empty() && !closing_) {
    if (!in_head_) {
      const auto taken = static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, bytes.size()));
      body_left_ -= taken;
      bytes.remove_prefix(taken);
      if (body_left_ == 0) next_request();
      continue;
    }
    if (head_bytes_ == 0) started_ = std::chrono::steady_clock::now();
    const auto* newline = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    const std::size_t upto = newline ? static_cast<std::size_t>(newline - bytes.data()) + 1 : bytes.size();
    head_bytes_ += upto;
    if (head_bytes_ > limits_.max_header_bytes)
      return refuse(431, "request line and headers over " + std::to_string(limits_.max_header_bytes) + " bytes");
    const std::string_view piece = bytes.substr(0, newline ? upto - 1 : upto);
    const std::size_t room = kKeptLine - line_.size();
    line_.append(piece.substr(0, room));
    line_truncated_ = line_truncated_ || piece.size() > room;
    bytes.remove_prefix(upto);
    if (!newline) break;
    std::string_view line = line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto refusal = end_of_line(line, line_truncated_);
    line_.clear();
    line_truncated_ = false;
    if (refusal) return refusal;
  }
  return std::nullopt;
}

std::optional<GateRefusal> RequestGate::end_of_line(std::string_view line, bool truncated) {
  if (!request_line_seen_) {
    if (line.empty()) return std::nullopt;  // blank lines before a request line are allowed
    request_line_seen_ = true;
    const auto space = line.find(' ');
    method_ = std::string(line.substr(0, std::min(space, std::size_t{16})));
    if (space != std::string_view::npos) {
      const auto rest = line.substr(space + 1);
      path_ = std::string(rest.substr(0, std::min(rest.find(' '), kKeptValue)));
    }
    return std::nullopt;
  }
  if (line.empty()) return end_of_head();
  if (++headers_ > limits_.max_headers)
    return refuse(431, "more than " + std::to_string(limits_.max_headers) + " headers");
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;  // pistache answers it 400
  const std::string_view name = trim(line.substr(0, colon));
  const std::string_view value = trim(line.substr(colon + 1));
  if (iequals(name, "Content-Length")) {
    const auto n = truncated ? std::nullopt : byte_count(value);
    if (!n) return refuse(400, "Content-Length " + quoted(value) + " is not a number of bytes");
    if (content_length_ && *content_length_ != *n)
      return refuse(400, "two different Content-Length headers (" + first_content_length_ + " and " +
                             std::to_string(*n) + ")");
    content_length_ = n;
    first_content_length_ = std::to_string(*n);
  } else if (iequals(name, "Transfer-Encoding")) {
    transfer_encoding_ = true;
  } else if (iequals(name, sqsd_header::kMessageId)) {
    message_id_ = std::string(value.substr(0, kKeptValue));
  } else if (iequals(name, sqsd_header::kTaskName)) {
    task_name_ = std::string(value.substr(0, kKeptValue));
  }
  return std::nullopt;
}

std::optional<GateRefusal> RequestGate::end_of_head() {
  if (transfer_encoding_)
    return refuse(411, "a Transfer-Encoding body is not taken: send the body with a Content-Length");
  const std::uint64_t length = content_length_.value_or(0);
  if (length > limits_.max_body)
    return refuse(413, "body of " + std::to_string(length) + " bytes is over EBWORKER_MAX_BODY (" +
                           std::to_string(limits_.max_body) + ")");
  if (length == 0) {
    next_request();
  } else {
    in_head_ = false;
    body_left_ = length;
  }
  return std::nullopt;
}

Request RequestGate::partial_request() const {
  Request request;
  request.method = method_.empty() ? "-" : method_;
  request.path = path_.empty() ? "-" : path_;
  if (!message_id_.empty()) request.headers.add(std::string(sqsd_header::kMessageId), message_id_);
  if (!task_name_.empty()) request.headers.add(std::string(sqsd_header::kTaskName), task_name_);
  request.received_at = started_;
  return request;
}

GateRefusal RequestGate::refuse(int status, std::string reason) {
  closing_ = true;
  return GateRefusal{status, std::move(reason), partial_request()};
}

void RequestGate::next_request() {
  in_head_ = true;
  body_left_ = 0;
  head_bytes_ = 0;
  headers_ = 0;
  request_line_seen_ = false;
  line_.clear();
  line_truncated_ = false;
  method_.clear();
  path_.clear();
  message_id_.clear();
  task_name_.clear();
  content_length_.reset();
  first_content_length_.clear();
  transfer_encoding_ = false;
}

}  // namespace ebworker
