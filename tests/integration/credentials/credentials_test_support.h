#pragma once
// What the credentials tests share: a temporary directory (support/temp_dir.h's), a clock the
// test moves, a closed port on loopback, the JSON a metadata service answers with, and the log
// lines written.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "aws/credentials_chain.h"
#include "core/iso_time.h"
#include "support/closed_port.h"
#include "support/temp_dir.h"

namespace ebworker::testing {

// A clock that moves only when the test says so.
class FakeClock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point start) : state_(std::make_shared<State>()) {
    state_->now = start;
  }
  void advance(std::chrono::system_clock::duration d) {
    std::lock_guard lock(state_->mutex);
    state_->now += d;
  }
  std::chrono::system_clock::time_point now() const {
    std::lock_guard lock(state_->mutex);
    return state_->now;
  }
  Clock clock() const {
    return [state = state_] {
      std::lock_guard lock(state->mutex);
      return state->now;
    };
  }

 private:
  struct State {
    std::mutex mutex;
    std::chrono::system_clock::time_point now;
  };
  std::shared_ptr<State> state_;
};

inline std::chrono::system_clock::time_point at(const char* iso) {
  const auto t = parse_iso8601_utc(iso);
  if (!t) throw std::invalid_argument(iso);
  return *t;
}

// "2026-11-23T12:00:00Z", the form the metadata services use.
inline std::string iso_seconds(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The answer of a container or instance metadata service.
inline std::string credentials_json(const std::string& key_id, const std::string& secret,
                                    const std::string& token, const std::string& expiration) {
  return R"({"Code":"Success","LastUpdated":"2026-11-23T10:00:00Z","Type":"AWS-HMAC",)"
         R"("AccessKeyId":")" + key_id + R"(","SecretAccessKey":")" + secret + R"(","Token":")" + token +
         R"(","Expiration":")" + expiration + R"("})";
}

// A socket on 127.0.0.1 that listens and never accepts: the kernel completes connections and
// takes the request bytes, and no answer ever comes. A metadata service that hangs.
class SilentListener {
 public:
  SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd_);
      throw std::runtime_error("bind or listen failed");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

// Every log line written since the test binary started (see capture_logs.cc).
std::string captured_logs();

}  // namespace ebworker::testing
