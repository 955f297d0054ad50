#pragma once
// The one log line each request gets: who, what, which job, the status and why. Headers and
// bodies are never logged, so neither a digest nor a job's arguments reach the log.

#include <ebworker/worker/request.h>
#include <ebworker/worker/response.h>

namespace ebworker {

void log_request(const Request& request, const Response& response);

}  // namespace ebworker
