#pragma once
// `ebworker sqsd --health-port`: GET /health (JSON) and GET /metrics (Prometheus text) on one
// pistache I/O thread. It answers from what the daemon hands it; it has no state of its own and
// no authentication (bind it where only monitoring reaches).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <ebworker/worker/response.h>
#include <ebworker/result.h>

namespace ebworker {

class Server;

class SqsdHealthServer {
 public:
  SqsdHealthServer(std::string bind, std::uint16_t port, std::function<Response()> health,
                   std::function<Response()> metrics);
  ~SqsdHealthServer();
  SqsdHealthServer(const SqsdHealthServer&) = delete;
  SqsdHealthServer& operator=(const SqsdHealthServer&) = delete;

  Status start();
  std::uint16_t port() const;
  void stop();

 private:
  std::function<Response()> health_;
  std::function<Response()> metrics_;
  std::unique_ptr<Server> server_;
};

}  // namespace ebworker
