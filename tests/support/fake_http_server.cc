#include "support/fake_http_server.h"

#include <stdexcept>

namespace ebworker::testing {

FakeHttpServer::FakeHttpServer(Script script, std::size_t threads)
    : script_(std::move(script)),
      server_(ServerOptions{.bind = "127.0.0.1", .port = 0, .io_threads = 1, .handler_threads = threads,
                            .max_body = 4 * 1024 * 1024},
              Stack{}, [this](Request& r) { return handle(r); }) {
  if (auto started = server_.start(); !started) throw std::runtime_error(started.error().message);
}

FakeHttpServer::~FakeHttpServer() {
  server_.drain(std::chrono::seconds(5));
  server_.stop();
}

std::string FakeHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

Response FakeHttpServer::handle(Request& request) {
  {
    std::lock_guard lock(mutex_);
    requests_.push_back({request.method, request.path, request.headers, request.body});
  }
  arrived_.notify_all();
  return script_(request);
}

std::vector<CapturedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool FakeHttpServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

}  // namespace ebworker::testing
