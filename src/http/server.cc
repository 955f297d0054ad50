#include "http/server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "http/request_log_line.h"
#include "job/job_pool.h"

namespace ebworker {

namespace Http = Pistache::Http;

// Headroom above the largest body for the request line and headers. A request beyond that is
// refused by pistache itself (413, before any of our code sees it).
constexpr std::size_t kHeaderAllowance = 64 * 1024;

struct Server::Core {
  Core(Stack s, App a, std::size_t job_threads, std::size_t body_limit)
      : stack(std::move(s)), app(std::move(a)), max_body(body_limit), pool(job_threads) {}

  void started() {
    std::lock_guard lock(mutex);
    ++in_flight;
  }
  void finished() {
    std::lock_guard lock(mutex);
    --in_flight;
    if (in_flight == 0) idle.notify_all();
  }

  Stack stack;
  App app;
  std::size_t max_body;
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t in_flight = 0;  // requests taken whose response is not yet written
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

void send(Http::ResponseWriter& writer, const Response& response, Server::Core* core) {
  try {
    for (const auto& [name, value] : response.headers.fields())
      writer.headers().addRaw(Http::Header::Raw(name, value));
    writer.send(static_cast<Http::Code>(response.status), response.body, MIME(Text, Plain))
        .then([core](ssize_t) { core->finished(); }, [core](std::exception_ptr) { core->finished(); });
  } catch (const std::exception& e) {
    spdlog::warn("could not write a {} response: {}", response.status, e.what());
    core->finished();
  }
}

class Handler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Handler)
  explicit Handler(std::shared_ptr<Server::Core> core) : core_(std::move(core)) {}

  void onRequest(const Http::Request& in, Http::ResponseWriter writer) override {
    keep_alive_by_default(in, writer);
    auto request = std::make_shared<Request>(to_request(in));
    core_->started();
    if (request->body.size() > core_->max_body) {
      reply_now(*request, writer,
                Response::refuse(413, "body of " + std::to_string(request->body.size()) +
                                          " bytes is over EBWORKER_MAX_BODY (" +
                                          std::to_string(core_->max_body) + ")"));
      return;
    }
    auto shared_writer = std::make_shared<Http::ResponseWriter>(std::move(writer));
    // A raw pointer: the pool lives inside Core, so Core outlives every task it runs (and a
    // task must never hold the last reference, or the pool would be joined from its own thread).
    Server::Core* core = core_.get();
    const auto admission = core_->pool.try_submit([core, request, shared_writer] {
      Response response;
      try {
        response = core->stack.call(*request, core->app);
      } catch (const std::exception& e) {
        response = Response::refuse(500, std::string("internal error: ") + e.what());
        log_request(*request, response);
      }
      send(*shared_writer, response, core);
    });
    if (admission == JobPool::Admission::accepted) return;
    reply_now(*request, *shared_writer,
              admission == JobPool::Admission::busy
                  ? Response::refuse(503, "all " + std::to_string(core_->pool.size()) +
                                              " job threads are busy (EBWORKER_JOB_THREADS)")
                  : Response::refuse(503, "shutting down"));
  }

 private:
  void reply_now(const Request& request, Http::ResponseWriter& writer, const Response& response) {
    log_request(request, response);
    send(writer, response, core_.get());
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
      core_(std::make_shared<Core>(std::move(stack), std::move(app), options_.job_threads, options_.max_body)) {}

Server::~Server() { stop(); }

Status Server::start() {
  const bool v6 = options_.bind.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + options_.bind + "]" : options_.bind;
  try {
    listener_ = std::make_unique<Listener>(Pistache::Address(host, Pistache::Port(options_.port)));
    auto opts = Http::Endpoint::options()
                    .threads(static_cast<int>(options_.io_threads))
                    .flags(Pistache::Tcp::Options::ReuseAddr)
                    .maxRequestSize(options_.max_body + kHeaderAllowance);
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

bool Server::drain(std::chrono::milliseconds timeout) {
  core_->pool.stop_accepting();
  std::unique_lock lock(core_->mutex);
  return core_->idle.wait_for(lock, timeout, [this] { return core_->in_flight == 0; });
}

void Server::stop() {
  if (!listener_) return;
  listener_->endpoint.shutdown();
  listener_.reset();
}

}  // namespace ebworker
