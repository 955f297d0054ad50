#include "sqsd/sqsd_health_server.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "http/server.h"

namespace ebworker {

SqsdHealthServer::SqsdHealthServer(std::string bind, std::uint16_t port, std::function<Response()> health,
                                   std::function<Response()> metrics)
    : health_(std::move(health)), metrics_(std::move(metrics)) {
  // Two handler threads: a scrape and a health check at the same moment both get an answer.
  ServerOptions options{.bind = std::move(bind), .port = port, .io_threads = 1, .handler_threads = 2,
                        .max_body = 4096, .read_timeout = std::chrono::seconds(10),
                        .connection_timeout = std::chrono::seconds(60)};
  server_ = std::make_unique<Server>(std::move(options), Stack{}, [this](Request& request) -> Response {
    if (request.path != "/health" && request.path != "/metrics") return Response::refuse(404, "not found");
    if (request.method != "GET") {
      spdlog::info("health port: {} {} refused (only GET)", request.method, request.path);
      Response refused = Response::refuse(405, "only GET");
      refused.headers.add("Allow", "GET");
      return refused;
    }
    return request.path == "/health" ? health_() : metrics_();
  });
}

SqsdHealthServer::~SqsdHealthServer() { stop(); }

Status SqsdHealthServer::start() { return server_->start(); }

std::uint16_t SqsdHealthServer::port() const { return server_->port(); }

void SqsdHealthServer::stop() {
  if (!server_) return;
  server_->stop();
  server_.reset();
}

}  // namespace ebworker
