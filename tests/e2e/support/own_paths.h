#pragma once
// A worker's own paths (/_ebworker/health, metrics, status) read from a test: one GET, straight
// to the worker (no proxy), bounded in time and size.

#include <chrono>
#include <string>
#include <string_view>

#include "net/http_client.h"
#include "support/worker_process.h"

namespace ebworker::testing {

// The worker's answer on `path`, 5 s at most, a body of 4 MB at most.
inline Result<HttpReply, TransportError> get_own_path(const WorkerProcess& worker, std::string_view path) {
  HttpRequest request;
  request.url = worker.url(path);
  request.direct = true;
  request.timeout = std::chrono::seconds(5);
  request.max_reply_body = 4 * 1024 * 1024;
  return HttpClient().perform(request);
}

// Its body ("no answer: ..." when there is none); `status`, when given, gets the answer's status.
inline std::string get_body(const WorkerProcess& worker, std::string_view path, long* status = nullptr) {
  auto reply = get_own_path(worker, path);
  if (!reply) return "no answer: " + reply.error().message;
  if (status) *status = reply->status;
  return reply->body;
}

}  // namespace ebworker::testing
