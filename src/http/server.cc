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

#include <ebworker/headers.h>

#include "core/text.h"
#include "http/busy_warning.h"
#include "http/request_log_line.h"
#include "http/server_metrics.h"
#include "job/job_pool.h"

namespace ebworker {

namespace Http = Pistache::Http;

// Headroom above the largest body for the request line and headers. A request beyond that is
// refused by pistache itself (413, before any of our code sees it).
constexpr std::size_t kHeaderAllowance = 64 * 1024;

struct Server::Core {
  Core(Stack s, App a, std::size_t job_threads, std::size_t body_limit)
      : stack(std::move(s)), app(std::move(a)), max_body(body_limit), pool(job_threads) {}

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
  BusyWarning busy_warning;
  std::function<bool(const Request&)> answer_inline;
  std::shared_ptr<ServerMetrics> metrics;
  // Last, so it is destroyed first: its threads are joined while the rest is still alive.
  JobPool pool;
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

void send(Http::ResponseWriter& writer, const Response& response, Server::Core* core,
          const std::shared_ptr<CloseAfterResponse>& closer) {
  core->handed_over();
  if (core->metrics) core->metrics->answered(response.status);
  const auto done = [core, closer] {
    if (closer) closer->close_now();
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
    writer.send(static_cast<Http::Code>(response.status), response.body, type)
        .then([done](ssize_t) { done(); }, [done](std::exception_ptr) { done(); });
  } catch (const std::exception& e) {
    spdlog::warn("could not write a {} response: {}", response.status, e.what());
    done();
  }
}

// A request taken by the job pool, and what it will be answered.
struct Answer {
  std::shared_ptr<Request> request;
  Http::ResponseWriter writer;
  std::shared_ptr<CloseAfterResponse> closer;
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

class Handler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Handler)
  explicit Handler(std::shared_ptr<Server::Core> core) : core_(std::move(core)) {}

  void onRequest(const Http::Request& in, Http::ResponseWriter writer) override {
    keep_alive_by_default(in, writer);
    const auto closer = close_after_response(in, writer);
    auto request = std::make_shared<Request>(to_request(in));
    core_->started();
    if (request->body.size() > core_->max_body) {
      reply_now(*request, writer, closer,
                Response::refuse(413, "body of " + std::to_string(request->body.size()) +
                                          " bytes is over EBWORKER_MAX_BODY (" +
                                          std::to_string(core_->max_body) + ")"));
      return;
    }
    // The request is whole: from now until its answer the connection counts as idle to pistache,
    // whose read timeouts would otherwise cut a job off after read_timeout (see ServerOptions).
    if (core_->answer_inline && core_->answer_inline(*request)) {
      send(writer, respond(*core_, *request), core_.get(), closer);
      return;
    }
    if (const auto peer = writer.getPeer()) peer->setIdle(true);
    auto answer = std::make_shared<Answer>(Answer{request, std::move(writer), closer, {}});
    // A raw pointer: the pool lives inside Core, so Core outlives every task it runs (and a
    // task must never hold the last reference, or the pool would be joined from its own thread).
    Server::Core* core = core_.get();
    // The answer is sent only once the job's slot is free, so a daemon that posts again as soon
    // as it hears back never meets a 503 for a slot that is in fact free.
    const auto admission = core_->pool.try_submit(
        [core, answer] {
          if (core->metrics) core->metrics->job_started();
          answer->response = respond(*core, *answer->request);
          if (core->metrics) core->metrics->job_ended();
        },
        [core, answer] { send(answer->writer, answer->response, core, answer->closer); });
    if (admission == JobPool::Admission::accepted) return;
    if (admission == JobPool::Admission::stopping) {
      reply_now(*request, answer->writer, closer, Response::refuse(503, "shutting down"));
      return;
    }
    if (auto warning = core_->busy_warning.first(core_->pool.size())) spdlog::warn("{}", *warning);
    if (core_->metrics) core_->metrics->busy();
    Response busy = Response::refuse(
        503, "all " + std::to_string(core_->pool.size()) + " job threads are busy (EBWORKER_JOB_THREADS)");
    // A slot frees soon: `ebworker sqsd` brings the message back after this many seconds rather
    // than after ErrorVisibilityTimeout (aws-sqsd ignores it).
    busy.headers.add("Retry-After", "1");
    reply_now(*request, answer->writer, closer, busy);
  }

 private:
  void reply_now(const Request& request, Http::ResponseWriter& writer,
                 const std::shared_ptr<CloseAfterResponse>& closer, const Response& response) {
    log_request(request, response);
    send(writer, response, core_.get(), closer);
  }

  std::shared_ptr<Server::Core> core_;
};

}  // namespace

struct Server::Listener {
  explicit Listener(const Pistache::Address& address) : endpoint(address) {}
  Http::Endpoint endpoint;
};

Server::Server(ServerOptions options, Stack stack, App app)
    : options_(std::move(options)),
      core_(std::make_shared<Core>(std::move(stack), std::move(app), options_.job_threads, options_.max_body)) {
  core_->answer_inline = options_.answer_inline;
  core_->metrics = options_.metrics;
}

Server::~Server() { stop(); }

Status Server::start() {
  const bool v6 = options_.bind.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + options_.bind + "]" : options_.bind;
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
    listener_->endpoint.setHandler(Http::make_handler<Handler>(core_));
    listener_->endpoint.serveThreaded();
  } catch (const std::exception& e) {
    listener_.reset();
    return fail("cannot listen on " + host + ":" + std::to_string(options_.port) + ": " + e.what());
  }
  return {};
}

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
  // slow job, say), so wait for the writes only briefly: the answers are all handed over.
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
