#pragma once
// A misbehaving HTTP proxy on 127.0.0.1, for chaos tests: it sits between an SQS client (the
// daemon's AWS_ENDPOINT_URL_SQS points at it) and the local SQS, forwards each request's bytes
// unchanged, and, per request, at configured rates drawn from a seeded PRNG, instead:
//   - answers 500 (an SQS InternalError),
//   - answers a throttling error: 400 with {"__type":"com.amazonaws.sqs#RequestThrottled"} (and
//     the x-amzn-query-error header SQS sends), 400 with ThrottlingException, or 429,
//   - closes the connection without answering, before forwarding the request (the action never
//     happened) or after it (the action happened, its answer is lost),
//   - answers slowly (waits, then forwards).
// It counts what it did. Requests are HTTP/1.1 with a Content-Length body (what libcurl sends);
// connections are kept alive on both sides. One thread per client connection; every read and
// wait is bounded, and the destructor closes everything and joins every thread.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace ebworker::testing {

// What the proxy can do with one request.
enum class ChaosFault : int {
  none = 0,         // forwarded and answered as the upstream answered
  server_error,     // 500 InternalError, not forwarded
  throttled_sqs,    // 400 com.amazonaws.sqs#RequestThrottled, not forwarded
  throttled_coral,  // 400 ThrottlingException, not forwarded
  throttled_429,    // 429 ThrottlingException, not forwarded
  drop_before,      // connection closed, not forwarded
  drop_after,       // forwarded, then the connection closed without the answer
  slow,             // forwarded after a delay
};
inline constexpr std::size_t kChaosFaultKinds = 8;
const char* to_string(ChaosFault fault);

// Probability of each fault per request (their sum at most 1); the rest is forwarded as is.
struct ChaosRates {
  double server_error = 0;
  double throttled_sqs = 0;
  double throttled_coral = 0;
  double throttled_429 = 0;
  double drop_before = 0;
  double drop_after = 0;
  double slow = 0;
  std::chrono::milliseconds slow_min{200};
  std::chrono::milliseconds slow_max{1500};
  // When set, only requests of this action (X-Amz-Target's last part, e.g. "ReceiveMessage")
  // may be slow: a distant SQS for one call, the rest as fast as loopback.
  std::string slow_only{};

  double total() const {
    return server_error + throttled_sqs + throttled_coral + throttled_429 + drop_before + drop_after + slow;
  }
};

struct ChaosCounts {
  std::uint64_t requests = 0;                     // every complete request received
  std::array<std::uint64_t, kChaosFaultKinds> by_fault{};  // indexed by ChaosFault
  std::map<std::string, std::uint64_t> by_action;  // X-Amz-Target's action → requests
  std::map<std::string, std::uint64_t> answered;   // X-Amz-Target's action → answers sent back
  std::uint64_t upstream_failures = 0;             // the upstream could not be reached or answered badly
  std::uint64_t connections = 0;

  std::uint64_t of(ChaosFault f) const { return by_fault[static_cast<std::size_t>(f)]; }
  std::uint64_t injected() const;  // every fault but `none`
  std::string describe() const;    // one line: "requests=… 500=… throttled(sqs)=… …"
};

class ChaosProxy {
 public:
  // Listens on 127.0.0.1 (a free port) and forwards to `upstream_host`:`upstream_port`.
  // Throws std::runtime_error when it cannot listen.
  ChaosProxy(std::string upstream_host, std::uint16_t upstream_port, ChaosRates rates, std::uint64_t seed);
  ~ChaosProxy();
  ChaosProxy(const ChaosProxy&) = delete;
  ChaosProxy& operator=(const ChaosProxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:PORT"

  // Takes effect for the next request (e.g. all zero to let a test drain cleanly).
  void set_rates(const ChaosRates& rates);
  ChaosCounts counts() const;

 private:
  struct Connection;
  struct Decision {
    ChaosFault fault = ChaosFault::none;
    std::chrono::milliseconds delay{0};
  };

  void accept_loop();
  void serve(Connection& connection);
  Decision decide(const std::string& action);
  void record(const std::string& action, ChaosFault fault);
  // Sleeps `delay` unless the proxy stops first; false when it stopped.
  bool wait(std::chrono::milliseconds delay);
  void reap_finished();

  std::string upstream_host_;
  std::uint16_t upstream_port_;
  int listen_fd_ = -1;
  int wake_fd_[2] = {-1, -1};  // a pipe: written once on stop, wakes poll() everywhere
  std::uint16_t port_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  ChaosRates rates_;
  std::mt19937_64 random_;
  ChaosCounts counts_;
  std::list<std::unique_ptr<Connection>> connections_;
  std::thread acceptor_;
};

}  // namespace ebworker::testing
