#pragma once
// A plain TCP connection for what libcurl hides: exactly which bytes are sent, and whether the
// server closed the connection after answering. Every read is bounded by a timeout.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ebworker::testing {

class RawConnection {
 public:
  // `ip` is a numeric IPv4 or IPv6 address. Throws std::runtime_error when it cannot connect.
  RawConnection(const std::string& ip, std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(std::string_view bytes);
  // One whole response (headers, then a Content-Length body), or nullopt on timeout or close.
  std::optional<std::string> read_response(std::chrono::milliseconds timeout);
  // True when the peer closes (or resets) the connection within `timeout`; bytes read while
  // waiting are kept and returned by read_response first.
  bool wait_for_close(std::chrono::milliseconds timeout);

 private:
  // Reads what is available within the deadline into buffer_; false on close, error or timeout.
  enum class ReadOutcome { data, closed, timeout };
  ReadOutcome read_some(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace ebworker::testing
