#include "support/chaos_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "core/text.h"

namespace ebworker::testing {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;
constexpr auto kClientIdleTimeout = 120s;  // a kept-alive client connection with no request
constexpr auto kClientReadTimeout = 10s;   // the rest of a request once it has begun
constexpr auto kUpstreamTimeout = 30s;     // long polls are at most 20 s
constexpr auto kWriteTimeout = 10s;

struct Fd {
  int fd = -1;
  explicit Fd(int f = -1) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The value of header `name` in a header block (status or request line first), if present.
std::optional<std::string_view> header(std::string_view head, std::string_view name) {
  size_t start = head.find("\r\n");
  while (start != std::string_view::npos && start + 2 < head.size()) {
    start += 2;
    const size_t end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, end == std::string_view::npos ? head.npos : end - start);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), name))
      return trim(line.substr(colon + 1));
    start = end;
  }
  return std::nullopt;
}

bool has_token(std::optional<std::string_view> value, std::string_view token) {
  if (!value) return false;
  std::string_view v = *value;
  while (!v.empty()) {
    const size_t comma = v.find(',');
    if (iequals(trim(v.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<std::size_t> parse_size(std::string_view digits, int base = 10) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n, base);
  if (ec != std::errc() || end == digits.data()) return std::nullopt;
  return n;
}

// Waits until `fd` is ready for `events` or `wake` is readable (the proxy stops). 1: ready,
// 0: timed out, -1: stopping or error.
int wait_ready(int fd, short events, int wake, std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{fd, events, 0}, {wake, POLLIN, 0}};
  for (;;) {
    const int n = ::poll(fds, 2, static_cast<int>(timeout.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) return 0;
    if (fds[1].revents) return -1;
    return 1;
  }
}

// Appends what is available to `buffer` (waiting at most `timeout`): false on EOF, error,
// timeout or stop.
bool read_more(int fd, int wake, std::string& buffer, std::chrono::milliseconds timeout) {
  if (wait_ready(fd, POLLIN, wake, timeout) != 1) return false;
  char chunk[16 * 1024];
  ssize_t n;
  do {
    n = ::recv(fd, chunk, sizeof chunk, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<size_t>(n));
  return true;
}

bool write_all(int fd, int wake, std::string_view data) {
  while (!data.empty()) {
    if (wait_ready(fd, POLLOUT, wake, kWriteTimeout) != 1) return false;
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads from `fd` into `buffer` until it holds a header block; returns its length including
// the blank line, or nullopt. `first_timeout` applies while nothing of it has arrived.
std::optional<std::size_t> read_head(int fd, int wake, std::string& buffer, std::chrono::milliseconds first_timeout,
                                     std::chrono::milliseconds rest_timeout) {
  for (;;) {
    if (const size_t end = buffer.find("\r\n\r\n"); end != std::string::npos) return end + 4;
    if (buffer.size() > kMaxHeaderBytes) return std::nullopt;
    if (!read_more(fd, wake, buffer, buffer.empty() ? first_timeout : rest_timeout)) return std::nullopt;
  }
}

bool read_until_size(int fd, int wake, std::string& buffer, std::size_t size, std::chrono::milliseconds timeout) {
  while (buffer.size() < size)
    if (!read_more(fd, wake, buffer, timeout)) return false;
  return true;
}

// One complete HTTP message (request or response) at the front of a buffer.
struct Message {
  std::string raw;  // exactly its bytes: head and body
  std::string head;
  bool close = false;  // "Connection: close"
};

// A request with a Content-Length body (or none), taken off the front of `buffer`.
std::optional<Message> read_request(int fd, int wake, std::string& buffer, bool& unsupported) {
  const auto head_size = read_head(fd, wake, buffer, kClientIdleTimeout, kClientReadTimeout);
  if (!head_size) return std::nullopt;
  Message m;
  m.head = buffer.substr(0, *head_size);
  if (header(m.head, "Transfer-Encoding")) {
    unsupported = true;
    return std::nullopt;
  }
  std::size_t body = 0;
  if (const auto length = header(m.head, "Content-Length")) {
    const auto n = parse_size(*length);
    if (!n || *n > kMaxBodyBytes) {
      unsupported = true;
      return std::nullopt;
    }
    body = *n;
  }
  if (!read_until_size(fd, wake, buffer, *head_size + body, kClientReadTimeout)) return std::nullopt;
  m.raw = buffer.substr(0, *head_size + body);
  buffer.erase(0, *head_size + body);
  m.close = has_token(header(m.head, "Connection"), "close");
  return m;
}

// The answer on a connection used for one request: framed by Content-Length, chunked, or (with
// neither) by the end of the connection.
std::optional<Message> read_response(int fd, int wake) {
  std::string buffer;
  const auto head_size = read_head(fd, wake, buffer, kUpstreamTimeout, kUpstreamTimeout);
  if (!head_size) return std::nullopt;
  Message m;
  m.head = buffer.substr(0, *head_size);
  m.close = has_token(header(m.head, "Connection"), "close");
  const std::string_view status_line = std::string_view(m.head).substr(0, m.head.find("\r\n"));
  const bool no_body = status_line.find(" 204 ") != std::string_view::npos ||
                       status_line.find(" 304 ") != std::string_view::npos;
  if (no_body) {
    m.raw = m.head;
    return m;
  }
  if (has_token(header(m.head, "Transfer-Encoding"), "chunked")) {
    // Keeps the chunks as they are; only finds where the last one (size 0, then trailers) ends.
    std::size_t at = *head_size;
    for (int chunks = 0; chunks < 1'000'000; ++chunks) {
      size_t line_end;
      while ((line_end = buffer.find("\r\n", at)) == std::string::npos)
        if (!read_more(fd, wake, buffer, kUpstreamTimeout)) return std::nullopt;
      std::string_view size_text = std::string_view(buffer).substr(at, line_end - at);
      size_text = size_text.substr(0, size_text.find(';'));
      const auto size = parse_size(trim(size_text), 16);
      if (!size || *size > kMaxBodyBytes) return std::nullopt;
      at = line_end + 2;
      if (*size == 0) {
        // Trailers, if any, end with an empty line.
        for (;;) {
          while ((line_end = buffer.find("\r\n", at)) == std::string::npos)
            if (!read_more(fd, wake, buffer, kUpstreamTimeout)) return std::nullopt;
          const bool blank = line_end == at;
          at = line_end + 2;
          if (blank) break;
        }
        m.raw = buffer.substr(0, at);
        return m;
      }
      if (!read_until_size(fd, wake, buffer, at + *size + 2, kUpstreamTimeout)) return std::nullopt;
      at += *size + 2;
    }
    return std::nullopt;
  }
  if (const auto length = header(m.head, "Content-Length")) {
    const auto n = parse_size(*length);
    if (!n || *n > kMaxBodyBytes) return std::nullopt;
    if (!read_until_size(fd, wake, buffer, *head_size + *n, kUpstreamTimeout)) return std::nullopt;
    m.raw = buffer.substr(0, *head_size + *n);
    return m;
  }
  while (read_more(fd, wake, buffer, kUpstreamTimeout)) {
    if (buffer.size() > *head_size + kMaxBodyBytes) return std::nullopt;
  }
  m.raw = std::move(buffer);
  m.close = true;
  return m;
}

int connect_loopback(const std::string& host, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

std::string answer(int status, std::string_view reason, std::string_view extra_headers, std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  out += "Content-Type: application/x-amz-json-1.0\r\n";
  out += "x-amzn-RequestId: 00000000-0000-4000-8000-00000000c4a5\r\n";
  out += extra_headers;
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: keep-alive\r\n\r\n";
  out += body;
  return out;
}

// What SQS (or a front end before it) answers for each fault that is an answer.
std::string injected_answer(ChaosFault fault) {
  switch (fault) {
    case ChaosFault::server_error:
      return answer(500, "Internal Server Error", "",
                    R"({"__type":"com.amazonaws.sqs#InternalError","message":"chaos proxy: injected internal error"})");
    case ChaosFault::throttled_sqs:
      return answer(400, "Bad Request", "x-amzn-query-error: AWS.SimpleQueueService.RequestThrottled;Sender\r\n",
                    R"({"__type":"com.amazonaws.sqs#RequestThrottled","message":"Request is throttled."})");
    case ChaosFault::throttled_coral:
      return answer(400, "Bad Request", "",
                    R"({"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"})");
    case ChaosFault::throttled_429:
      // No error code in the body: only the status says "throttled".
      return answer(429, "Too Many Requests", "", R"({"message":"Too Many Requests"})");
    default:
      return {};
  }
}

}  // namespace

const char* to_string(ChaosFault fault) {
  switch (fault) {
    case ChaosFault::none: return "forwarded";
    case ChaosFault::server_error: return "500";
    case ChaosFault::throttled_sqs: return "throttled(400 RequestThrottled)";
    case ChaosFault::throttled_coral: return "throttled(400 ThrottlingException)";
    case ChaosFault::throttled_429: return "throttled(429)";
    case ChaosFault::drop_before: return "dropped-before-forwarding";
    case ChaosFault::drop_after: return "dropped-after-forwarding";
    case ChaosFault::slow: return "slow";
  }
  return "?";
}

std::uint64_t ChaosCounts::injected() const {
  std::uint64_t n = 0;
  for (std::size_t i = 1; i < kChaosFaultKinds; ++i) n += by_fault[i];
  return n;
}

std::string ChaosCounts::describe() const {
  std::string out = "requests=" + std::to_string(requests) + " connections=" + std::to_string(connections);
  for (std::size_t i = 0; i < kChaosFaultKinds; ++i)
    out += std::string(" ") + to_string(static_cast<ChaosFault>(i)) + "=" + std::to_string(by_fault[i]);
  out += " upstream-failures=" + std::to_string(upstream_failures) + " | by action:";
  for (const auto& [action, n] : by_action) out += " " + action + "=" + std::to_string(n);
  return out;
}

struct ChaosProxy::Connection {
  Fd client;
  std::thread thread;
  std::atomic<bool> done{false};
  explicit Connection(int fd) : client(fd) {}
};

ChaosProxy::ChaosProxy(std::string upstream_host, std::uint16_t upstream_port, ChaosRates rates, std::uint64_t seed)
    : upstream_host_(std::move(upstream_host)), upstream_port_(upstream_port), rates_(rates), random_(seed) {
  if (rates.total() > 1.0) throw std::invalid_argument("ChaosProxy: fault rates add up to more than 1");
  if (::pipe2(wake_fd_, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 128) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int e = errno;
    if (listen_fd_ >= 0) ::close(listen_fd_);
    ::close(wake_fd_[0]);
    ::close(wake_fd_[1]);
    throw std::runtime_error(std::string("ChaosProxy: cannot listen on 127.0.0.1: ") + std::strerror(e));
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ChaosProxy::~ChaosProxy() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  const char byte = 1;
  [[maybe_unused]] const auto n = ::write(wake_fd_[1], &byte, 1);
  acceptor_.join();
  // The acceptor has stopped adding connections; each thread sees the wake pipe and returns.
  for (auto& c : connections_) c->thread.join();
  connections_.clear();
  ::close(listen_fd_);
  ::close(wake_fd_[0]);
  ::close(wake_fd_[1]);
}

std::string ChaosProxy::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void ChaosProxy::set_rates(const ChaosRates& rates) {
  if (rates.total() > 1.0) throw std::invalid_argument("ChaosProxy: fault rates add up to more than 1");
  std::lock_guard lock(mutex_);
  rates_ = rates;
}

ChaosCounts ChaosProxy::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void ChaosProxy::reap_finished() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if ((*it)->done) {
      (*it)->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void ChaosProxy::accept_loop() {
  for (;;) {
    const int ready = wait_ready(listen_fd_, POLLIN, wake_fd_[0], 500ms);
    if (ready < 0) return;
    reap_finished();
    if (ready == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    {
      std::lock_guard lock(mutex_);
      ++counts_.connections;
    }
    auto connection = std::make_unique<Connection>(fd);
    Connection& c = *connection;
    connections_.push_back(std::move(connection));
    c.thread = std::thread([this, &c] {
      serve(c);
      ::shutdown(c.client.fd, SHUT_RDWR);
      c.done = true;
    });
  }
}

ChaosProxy::Decision ChaosProxy::decide(const std::string& action) {
  std::lock_guard lock(mutex_);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double u = unit(random_);
  Decision d;
  const std::pair<double, ChaosFault> table[] = {
      {rates_.server_error, ChaosFault::server_error},   {rates_.throttled_sqs, ChaosFault::throttled_sqs},
      {rates_.throttled_coral, ChaosFault::throttled_coral}, {rates_.throttled_429, ChaosFault::throttled_429},
      {rates_.drop_before, ChaosFault::drop_before},     {rates_.drop_after, ChaosFault::drop_after},
      {rates_.slow_only.empty() || rates_.slow_only == action ? rates_.slow : 0.0, ChaosFault::slow}};
  double edge = 0;
  for (const auto& [rate, fault] : table) {
    edge += rate;
    if (u < edge) {
      d.fault = fault;
      break;
    }
  }
  if (d.fault == ChaosFault::slow) {
    const auto lo = rates_.slow_min.count();
    const auto hi = std::max(lo, rates_.slow_max.count());
    d.delay = std::chrono::milliseconds(std::uniform_int_distribution<long long>(lo, hi)(random_));
  }
  return d;
}

void ChaosProxy::record(const std::string& action, ChaosFault fault) {
  std::lock_guard lock(mutex_);
  ++counts_.requests;
  ++counts_.by_fault[static_cast<std::size_t>(fault)];
  ++counts_.by_action[action];
}

bool ChaosProxy::wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stopped_.wait_for(lock, delay, [this] { return stopping_; });
}

void ChaosProxy::serve(Connection& connection) {
  const int client = connection.client.fd;
  const int wake = wake_fd_[0];
  std::string buffer;
  for (int served = 0; served < 1'000'000; ++served) {
    bool unsupported = false;
    const auto request = read_request(client, wake, buffer, unsupported);
    if (!request) {
      if (unsupported)
        write_all(client, wake,
                  answer(501, "Not Implemented", "", R"({"message":"chaos proxy: only Content-Length bodies"})"));
      return;
    }
    std::string action = "(none)";
    if (const auto target = header(request->head, "X-Amz-Target")) {
      const auto dot = target->rfind('.');
      action = std::string(dot == std::string_view::npos ? *target : target->substr(dot + 1));
    }
    const Decision decision = decide(action);
    record(action, decision.fault);

    switch (decision.fault) {
      case ChaosFault::drop_before:
        return;
      case ChaosFault::server_error:
      case ChaosFault::throttled_sqs:
      case ChaosFault::throttled_coral:
      case ChaosFault::throttled_429:
        if (!write_all(client, wake, injected_answer(decision.fault))) return;
        if (request->close) return;
        continue;
      default:
        break;
    }

    // Forwarded: one upstream connection per request, so no request is ever written to a
    // connection the upstream has just closed.
    Fd upstream(connect_loopback(upstream_host_, upstream_port_));
    std::optional<Message> response;
    if (upstream.fd >= 0 && write_all(upstream.fd, wake, request->raw)) response = read_response(upstream.fd, wake);
    if (!response) {
      std::lock_guard lock(mutex_);
      ++counts_.upstream_failures;
      return;  // the client sees the connection close, as if the upstream had failed it
    }
    if (decision.fault == ChaosFault::drop_after) return;
    if (decision.fault == ChaosFault::slow && !wait(decision.delay)) return;
    if (!write_all(client, wake, response->raw)) return;
    {
      std::lock_guard lock(mutex_);
      ++counts_.answered[action];
    }
    if (request->close || response->close) return;
  }
}

}  // namespace ebworker::testing
