// One concept past 400 lines, on purpose: the server is pistache 0.0.5 made safe, and each of
// its workarounds (keep-alive, closing after a response, typed headers, the write-completion
// callback, the gate tied to pistache's private transport) touches the same Core, handler and
// transport in one order that the races fixed here depend on. The pieces that stand alone are
// already their own files: the request gate, the connection cap, the log line, the observer.
#include "http/server.h"

#include <fcntl.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include <ebworker/worker/headers.h>

#include "core/text.h"
#include "http/connection.h"
#include "http/connection_cap.h"
#include "http/request_gate.h"
#include "http/request_log_line.h"
#include "core/bounded_pool.h"

namespace ebworker {

namespace Http = Pistache::Http;
namespace Tcp = Pistache::Tcp;

// pistache's own limit on a whole request, above what the gate lets through (the header block's
// bound plus EBWORKER_MAX_BODY), so that every refusal is the gate's, with its log line.
constexpr std::size_t kHeaderAllowance = RequestLimits{}.max_header_bytes + 1024;

struct Server::Core {
  Core(Stack s, App a, std::size_t handler_threads, std::size_t body_limit)
      : stack(std::move(s)), app(std::move(a)), max_body(body_limit), pool(handler_threads) {}

  // A request is "answering" from when it is taken until its answer is handed to pistache, then
  // "writing" until pistache says it is written.
  void started() {
    std::lock_guard lock(mutex);
    ++answering;
  }
  void handed_over() {
    std::lock_guard lock(mutex);
    --answering;
    ++writing;
    changed.notify_all();
  }
  void written() {
    std::lock_guard lock(mutex);
    --writing;
    changed.notify_all();
  }

  Stack stack;
  App app;
  std::size_t max_body;
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t answering = 0;
  std::size_t writing = 0;
  std::function<bool(const Request&)> answer_inline;
  std::string busy_reason;
  std::shared_ptr<ServerObserver> observer;
  RequestLimits limits;
  std::size_t max_connections = 1000;
  // The cap is shared evenly between the I/O threads: each holds its own connections to its share.
  std::size_t max_connections_per_thread = 500;
  std::chrono::seconds read_timeout{60};
  // For the rate-limited warning about connections closed at the cap.
  std::mutex cap_warning_mutex;
  std::chrono::steady_clock::time_point cap_warned_at{};
  std::size_t cap_closed_since_warning = 0;
  // Last, so it is destroyed first: its threads are joined while the rest is still alive.
  BoundedPool pool;
};

namespace {

Request to_request(const Http::Request& in) {
  Request out;
  out.method = Http::methodString(in.method());
  out.path = in.resource();
  for (const auto& [name, raw] : in.headers().rawList()) out.headers.add(raw.name(), raw.value());
  out.body = in.body();
  out.peer_address = in.address().host();
  return out;
}

// pistache 0.0.5 answers "Connection: Close" to an HTTP/1.1 request that has no Connection
// header, though HTTP/1.1 connections are persistent by default. Put keep-alive back.
void keep_alive_by_default(const Http::Request& in, Http::ResponseWriter& writer) {
  if (in.version() == Http::Version::Http11 && !in.headers().tryGet<Http::Header::Connection>()) {
    writer.headers().remove<Http::Header::Connection>();
    writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
  }
}

// pistache 0.0.5 answers "Connection: Close" to a request that asks to close (or to HTTP/1.0
// without keep-alive) but then leaves the connection open. This closes it once the response is
// written. It holds a duplicate of the socket's descriptor, taken on the I/O thread while
// pistache still owns the original, so the shutdown may run on any thread without racing
// pistache's own close() of the original (after which its number may belong to a new peer).
class CloseAfterResponse {
 public:
  explicit CloseAfterResponse(int fd) : fd_(fd) {}
  ~CloseAfterResponse() { close_now(); }
  CloseAfterResponse(const CloseAfterResponse&) = delete;
  CloseAfterResponse& operator=(const CloseAfterResponse&) = delete;

  // Sends FIN after what is already written; pistache then reads EOF and drops the peer.
  void close_now() {
    const int fd = fd_.exchange(-1);
    if (fd < 0) return;
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }

 private:
  std::atomic<int> fd_;
};

std::shared_ptr<CloseAfterResponse> close_after_response(const Http::Request& in,
                                                         const Http::ResponseWriter& writer) {
  const auto connection = in.headers().tryGet<Http::Header::Connection>();
  const bool close = connection ? connection->control() == Http::ConnectionControl::Close
                                : in.version() == Http::Version::Http10;
  if (!close) return nullptr;
  const auto peer = writer.getPeer();
  if (!peer) return nullptr;
  const int fd = ::fcntl(peer->fd(), F_DUPFD_CLOEXEC, 0);
  return fd < 0 ? nullptr : std::make_shared<CloseAfterResponse>(fd);
}

// A response header by name. pistache 0.0.5 writes only typed headers (addRaw ones are
// dropped), so each of ours becomes a typed header whose name is known only at run time.
class NamedHeader : public Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return std::hash<std::string>{}(name_); }
#endif

 private:
  std::string name_;
  std::string value_;
};

// The media type a Content-Type value names; text/plain when pistache cannot read it.
Http::Mime::MediaType media_type_or_text(const std::string& value) {
  try {
    return Http::Mime::MediaType::fromString(value);
  } catch (const std::exception&) {
    return MIME(Text, Plain);
  }
}

// The connection a request came on (nullptr if pistache has already dropped it).
std::shared_ptr<Connection> connection_of(const std::shared_ptr<Tcp::Peer>& peer);

// Calls `done` once everything queued on the peer's socket before it is written. pistache 0.0.5
// resolves the promise ResponseWriter::send returns on the I/O thread without that promise's lock,
// so a continuation attached to it from a handler thread could be pushed while the I/O thread walked
// the list (seen as a SEGV in Transport::asyncWriteImpl). The promise of an asyncWrite of its own
// is resolved under its lock, the lock then() takes: a continuation on it is safe from any thread.
void when_written(Tcp::Transport* transport, const Http::ResponseWriter& writer, std::function<void()> done) {
  const auto peer = writer.getPeer();
  if (!transport || !peer) {
    done();
    return;
  }
  // Nothing to write: the transport's queue for this descriptor keeps order, so this resolves
  // after the answer queued before it (neither does if pistache drops the peer first).
  transport->asyncWrite(peer->fd(), Pistache::RawBuffer(std::string(), 0))
      .then([done](ssize_t) { done(); }, [done](std::exception_ptr) { done(); });
}

void send(Http::ResponseWriter& writer, const Response& response, Server::Core* core, Tcp::Transport* transport,
          const std::shared_ptr<CloseAfterResponse>& closer, const std::shared_ptr<Connection>& connection) {
  core->handed_over();
  if (core->observer) core->observer->answered(response.status);
  const auto done = [core, closer, connection] {
    if (closer) closer->close_now();
    if (connection) --connection->answers_owed;
    core->written();
  };
  try {
    // pistache writes Content-Type from the media type it is given, and Content-Length itself
    // (a header object of ours under either name crashed it, or broke the answer).
    Http::Mime::MediaType type = MIME(Text, Plain);
    for (const auto& [name, value] : response.headers.fields()) {
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) continue;
      if (iequals(name, "Content-Type")) {
        type = media_type_or_text(value);
        continue;
      }
      writer.headers().add(std::make_shared<NamedHeader>(name, value));
    }
    // No continuation on what send returns (see when_written).
    [[maybe_unused]] const auto sent = writer.send(static_cast<Http::Code>(response.status), response.body, type);
  } catch (const std::exception& e) {
    spdlog::warn("could not write a {} response: {}", response.status, e.what());
    done();
    return;
  }
  when_written(transport, writer, done);
}

// A request taken by the handler pool, and what it will be answered.
struct Answer {
  std::shared_ptr<Request> request;
  Http::ResponseWriter writer;
  std::shared_ptr<CloseAfterResponse> closer;
  std::shared_ptr<Connection> connection;
  Tcp::Transport* transport;  // the connection's I/O thread's
  Response response;
};

// Runs the stack; anything it throws becomes a 500 with one log line.
Response respond(Server::Core& core, Request& request) {
  try {
    return core.stack.call(request, core.app);
  } catch (const std::exception& e) {
    Response response = Response::refuse(500, std::string("internal error: ") + e.what());
    log_request(request, response);
    return response;
  } catch (...) {
    Response response = Response::refuse(500, "internal error: a non-standard exception");
    log_request(request, response);
    return response;
  }
}

// The answer to a request no handler thread took: the server stops accepting, or every thread is busy.
Response refusal(Server::Core& core, BoundedPool::Admission admission) {
  if (admission == BoundedPool::Admission::stopping) return Response::refuse(503, "shutting down");
  if (core.observer) core.observer->busy();
  Response busy = Response::refuse(503, core.busy_reason);
  // A slot frees soon: `ebworker sqsd` brings the message back after this many seconds rather
  // than after ErrorVisibilityTimeout (aws-sqsd ignores it).
  busy.headers.add("Retry-After", "1");
  return busy;
}

class RequestHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(RequestHandler)
  explicit RequestHandler(std::shared_ptr<Server::Core> core) : core_(std::move(core)) {}

  void onRequest(const Http::Request& in, Http::ResponseWriter writer) override {
    keep_alive_by_default(in, writer);
    const auto closer = close_after_response(in, writer);
    const auto connection = connection_of(writer.getPeer());
    if (connection) ++connection->answers_owed;
    auto request = std::make_shared<Request>(to_request(in));
    core_->started();
    if (request->body.size() > core_->max_body) {
      reply_now(*request, writer, closer, connection,
                Response::refuse(413, "body of " + std::to_string(request->body.size()) +
                                          " bytes is over EBWORKER_MAX_BODY (" +
                                          std::to_string(core_->max_body) + ")"));
      return;
    }
    // The request is whole: from now until its answer the connection counts as idle to pistache,
    // whose read timeouts would otherwise cut a handler off after read_timeout (see ServerOptions).
    if (core_->answer_inline && core_->answer_inline(*request)) {
      send(writer, respond(*core_, *request), core_.get(), transport(), closer, connection);
      return;
    }
    if (const auto peer = writer.getPeer()) peer->setIdle(true);
    auto answer = std::make_shared<Answer>(Answer{request, std::move(writer), closer, connection, transport(), {}});
    // A raw pointer: the pool lives inside Core, so Core outlives every task it runs (and a
    // task must never hold the last reference, or the pool would be joined from its own thread).
    Server::Core* core = core_.get();
    // The answer is sent only once the handler's slot is free, so a daemon that posts again as soon
    // as it hears back never meets a 503 for a slot that is in fact free.
    const auto admission = core_->pool.try_submit(
        [core, answer] {
          if (core->observer) core->observer->handler_started();
          answer->response = respond(*core, *answer->request);
          if (core->observer) core->observer->handler_finished();
        },
        [core, answer] {
          send(answer->writer, answer->response, core, answer->transport, answer->closer, answer->connection);
        });
    if (admission == BoundedPool::Admission::accepted) return;
    reply_now(*request, answer->writer, closer, connection, refusal(*core_, admission));
  }

 private:
  void reply_now(const Request& request, Http::ResponseWriter& writer,
                 const std::shared_ptr<CloseAfterResponse>& closer,
                 const std::shared_ptr<Connection>& connection, const Response& response) {
    log_request(request, response);
    send(writer, response, core_.get(), transport(), closer, connection);
  }

  std::shared_ptr<Server::Core> core_;
};

constexpr const char* kConnectionData = "ebworker.connection";

std::shared_ptr<Connection> connection_of(const std::shared_ptr<Tcp::Peer>& peer) {
  if (!peer) return nullptr;
  return std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionData));
}

// pistache 0.0.5 ties a handler to its I/O thread's transport through a private member function
// only, and the parser behind the gate must be tied to the gate's transport. An explicit
// instantiation may name a private member ([temp.explicit]); this one hands out its address.
using AssociateTransport = void (Tcp::Handler::*)(Tcp::Transport*);
AssociateTransport associate_transport();
template <AssociateTransport Member>
struct PrivateMember {
  friend AssociateTransport associate_transport() { return Member; }
};
template struct PrivateMember<&Tcp::Handler::associateTransport>;

std::string raw_answer(int status, std::string_view reason_phrase, std::string_view body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase) +
         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + std::string(body);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    default: return "Service Unavailable";
  }
}

// What pistache calls with each connection's bytes: the request gate reads them first (cheaply,
// each byte once; see http/request_gate.h) and refuses what breaks a limit, with its log line;
// what passes goes on to pistache's parser, a RequestHandler tied to the same I/O thread. It also holds
// the connection cap. pistache clones it once per I/O thread: each clone sees only that thread's
// connections, so closing one of them never races pistache's own close of its descriptor.
class Gate : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Gate)
  explicit Gate(std::shared_ptr<Server::Core> core) : core_(std::move(core)), count_(new_count(*core_)) {}
  Gate(const Gate& other) : Http::Handler(other), core_(other.core_), count_(new_count(*core_)) {}
  Gate& operator=(const Gate&) = delete;

  // Never called: pistache's parser behind the gate calls RequestHandler's.
  void onRequest(const Http::Request&, Http::ResponseWriter) override {}

  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    auto connection = std::make_shared<Connection>(count_, core_->limits, peer->address().host());
    peer->putData(kConnectionData, connection);
    static_cast<Tcp::Handler&>(parser()).onConnection(peer);
    std::erase_if(open_, [](const auto& entry) { return entry.second.expired(); });
    if (count_->open.load() > core_->max_connections_per_thread && !close_longest_idle()) {
      refuse_connection(*peer, *connection);
      return;
    }
    open_.emplace_back(peer, connection);
  }

  void onInput(const char* buffer, size_t len, const std::shared_ptr<Tcp::Peer>& peer) override {
    const auto connection = connection_of(peer);
    if (connection) {
      if (connection->closed || connection->gate.closing()) return;  // refused: the rest is ignored
      connection->last_active = std::chrono::steady_clock::now();
      if (auto refusal = connection->gate.scan({buffer, len})) {
        refuse_request(*peer, *connection, std::move(*refusal));
        return;
      }
    }
    static_cast<Tcp::Handler&>(parser()).onInput(buffer, len, peer);
  }

 private:
  RequestHandler& parser() {
    if (!parser_) {
      parser_ = std::make_shared<RequestHandler>(core_);
      (static_cast<Tcp::Handler&>(*parser_).*associate_transport())(transport());
      parser_->setMaxRequestSize(getMaxRequestSize());
      parser_->setMaxResponseSize(getMaxResponseSize());
      parser_->setHeaderTimeout(getHeaderTimeout());
      parser_->setBodyTimeout(getBodyTimeout());
    }
    return *parser_;
  }

  // One answer and the connection closed, with the request's one log line.
  void refuse_request(Tcp::Peer& peer, Connection& connection, GateRefusal refusal) {
    connection.close_by_worker();
    refusal.request.peer_address = connection.peer_address;
    log_request(refusal.request, Response::refuse(refusal.status, refusal.reason));
    if (core_->observer) core_->observer->answered(refusal.status);
    const int fd = ::fcntl(peer.fd(), F_DUPFD_CLOEXEC, 0);
    const auto closer = fd < 0 ? nullptr : std::make_shared<CloseAfterResponse>(fd);
    const std::string answer =
        raw_answer(refusal.status, reason_phrase(refusal.status), refusal.reason + "\n");
    // Queued behind any answer pistache is still writing on this connection; closed once written.
    transport()
        ->asyncWrite(peer.fd(), Pistache::RawBuffer(answer, answer.size()))
        .then([closer](ssize_t) { if (closer) closer->close_now(); },
              [closer](std::exception_ptr) { if (closer) closer->close_now(); });
  }

  // At this thread's share of the cap with no idle connection to close: 503 and closed at once,
  // nothing read. The socket is new, so nothing of pistache's is queued on it.
  void refuse_connection(Tcp::Peer& peer, Connection& connection) {
    connection.close_by_worker();
    static const std::string answer = raw_answer(503, "Service Unavailable", "at EBWORKER_MAX_CONNECTIONS\n");
    [[maybe_unused]] const auto sent = ::send(peer.fd(), answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(peer.fd(), SHUT_RDWR);
    warn_at_cap("a new connection was answered 503 and closed: none of this I/O thread's is idle");
  }

  // Closes the connection of this I/O thread idle the longest; false when none is idle. Only this
  // thread's: pistache closes a peer's descriptor on the peer's own thread, so here it is still
  // open (another thread's might just have been closed, and its number taken by a new socket).
  bool close_longest_idle() {
    std::shared_ptr<Tcp::Peer> oldest_peer;
    Connection* oldest = nullptr;
    std::shared_ptr<Connection> oldest_connection;
    for (const auto& [weak_peer, weak_connection] : open_) {
      auto connection = weak_connection.lock();
      if (!connection || !connection->idle() || (oldest && connection->last_active >= oldest->last_active)) continue;
      if (auto peer = weak_peer.lock()) {
        oldest_peer = std::move(peer);
        oldest_connection = std::move(connection);
        oldest = oldest_connection.get();
      }
    }
    if (!oldest) return false;
    oldest->close_by_worker();
    ::shutdown(oldest_peer->fd(), SHUT_RDWR);
    warn_at_cap("closed the connection idle longest to take a new one");
    return true;
  }

  void warn_at_cap(std::string_view what) {
    std::lock_guard lock(core_->cap_warning_mutex);
    ++core_->cap_closed_since_warning;
    const auto now = std::chrono::steady_clock::now();
    if (now - core_->cap_warned_at < std::chrono::seconds(10)) return;
    spdlog::warn("an I/O thread at its share ({}) of EBWORKER_MAX_CONNECTIONS ({}): {} ({} such since the last warning)",
                 core_->max_connections_per_thread, core_->max_connections, what, core_->cap_closed_since_warning);
    core_->cap_warned_at = now;
    core_->cap_closed_since_warning = 0;
  }

  static std::shared_ptr<ConnectionCount> new_count(const Server::Core& core) {
    auto count = std::make_shared<ConnectionCount>();
    count->read_timeout = core.read_timeout;
    count->observer = core.observer;
    return count;
  }

  std::shared_ptr<Server::Core> core_;
  std::shared_ptr<ConnectionCount> count_;  // this I/O thread's connections
  std::shared_ptr<RequestHandler> parser_;
  // This I/O thread's connections; each Connection lives as long as its peer does.
  std::vector<std::pair<std::weak_ptr<Tcp::Peer>, std::weak_ptr<Connection>>> open_;
};

}  // namespace

struct Server::Listener {
  explicit Listener(const Pistache::Address& address) : endpoint(address) {}
  Http::Endpoint endpoint;
};

Server::Server(ServerOptions options, Stack stack, App app)
    : options_(std::move(options)),
      core_(std::make_shared<Core>(std::move(stack), std::move(app), options_.handler_threads, options_.max_body)) {
  core_->answer_inline = options_.answer_inline;
  core_->busy_reason = options_.busy_reason;
  core_->observer = options_.observer;
  core_->limits.max_body = options_.max_body;
  core_->read_timeout = options_.read_timeout;
}

Server::~Server() { stop(); }

Status Server::start() {
  const bool v6 = options_.bind.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + options_.bind + "]" : options_.bind;
  const ConnectionCap cap = connection_cap(options_.max_connections);
  core_->max_connections = cap.connections;
  const std::size_t threads = std::max<std::size_t>(1, options_.io_threads);
  core_->max_connections_per_thread = (cap.connections + threads - 1) / threads;
  if (!cap.lowered_because.empty())
    spdlog::warn("EBWORKER_MAX_CONNECTIONS: {} rather than {}: {}", cap.connections, options_.max_connections,
                 cap.lowered_because);
  try {
    listener_ = std::make_unique<Listener>(Pistache::Address(host, Pistache::Port(options_.port)));
    auto opts = Http::Endpoint::options()
                    .threads(static_cast<int>(options_.io_threads))
                    .threadsName("ebworker-io")
                    .flags(Pistache::Tcp::Options::ReuseAddr)
                    .maxRequestSize(options_.max_body + kHeaderAllowance)
                    .headerTimeout(options_.read_timeout)
                    .bodyTimeout(options_.read_timeout)
                    .keepaliveTimeout(options_.connection_timeout);
    listener_->endpoint.init(opts);
    listener_->endpoint.setHandler(Http::make_handler<Gate>(core_));
    listener_->endpoint.serveThreaded();
  } catch (const std::exception& e) {
    listener_.reset();
    return fail("cannot listen on " + host + ":" + std::to_string(options_.port) + ": " + e.what());
  }
  return {};
}

void Server::run_local(Request request, std::function<void(const Response&)> answered) {
  Server::Core* core = core_.get();
  core->started();
  // Handed over, as an HTTP answer is, once the handler's slot is free: whoever hears it and
  // hands in the next request finds the slot free.
  const auto hand_over = [core, answered = std::move(answered)](const Response& response) {
    core->handed_over();
    if (core->observer) core->observer->answered(response.status);
    answered(response);
    core->written();
  };
  auto taken = std::make_shared<std::pair<Request, Response>>(std::move(request), Response{});
  const auto admission = core->pool.try_submit(
      [core, taken] {
        if (core->observer) core->observer->handler_started();
        taken->second = respond(*core, taken->first);
        if (core->observer) core->observer->handler_finished();
      },
      [taken, hand_over] { hand_over(taken->second); });
  if (admission == BoundedPool::Admission::accepted) return;
  const Response refused = refusal(*core, admission);
  log_request(taken->first, refused);
  hand_over(refused);
}

std::size_t Server::max_connections() const { return core_->max_connections; }

std::uint16_t Server::port() const {
  return listener_ ? static_cast<std::uint16_t>(listener_->endpoint.getPort()) : 0;
}

void Server::stop_accepting() {
  core_->pool.stop_accepting();
  if (options_.on_stop_accepting) options_.on_stop_accepting();
}

bool Server::drain(std::chrono::milliseconds timeout) {
  stop_accepting();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(core_->mutex);
  if (!core_->changed.wait_until(lock, deadline, [this] { return core_->answering == 0; })) return false;
  // pistache 0.0.5 never confirms a write to a peer that has gone away (the daemon gave up on a
  // slow handler, say), so wait for the writes only briefly: the answers are all handed over.
  const auto grace = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(2));
  if (!core_->changed.wait_until(lock, grace, [this] { return core_->writing == 0; }))
    spdlog::info("{} answers handed to pistache were not confirmed written within 2 s; stopping anyway",
                 core_->writing);
  return true;
}

void Server::stop() {
  if (!listener_) return;
  listener_->endpoint.shutdown();
  listener_.reset();
}

}  // namespace ebworker
