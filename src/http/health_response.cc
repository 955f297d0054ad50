#include "http/health_response.h"

namespace ebworker {

Response health_response(bool healthy, std::string json, std::string reason_when_unhealthy) {
  Response r = Response::ok(std::move(json) + "\n");
  if (!healthy) {
    r.status = 503;
    r.reason = std::move(reason_when_unhealthy);
  }
  r.headers.add("Content-Type", "application/json");
  r.headers.add("Cache-Control", "no-store");
  return r;
}

}  // namespace ebworker
