#pragma once
// A health check's answer, the worker's (GET EBWORKER_HEALTH_PATH) and the daemon's (GET /health)
// alike: 200 while healthy, else 503; the JSON document its caller wrote, one line; never cached.
// The two documents differ (each names what its own process knows), so each has its own writer.

#include <string>

#include <ebworker/worker/response.h>

namespace ebworker {

// `reason_when_unhealthy` goes into the request's log line with the 503.
Response health_response(bool healthy, std::string json, std::string reason_when_unhealthy = {});

}  // namespace ebworker
