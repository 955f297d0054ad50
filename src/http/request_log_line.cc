#include "http/request_log_line.h"

#include "core/log_event.h"
#include "http/own_endpoints.h"

namespace ebworker {

void log_request(const Request& request, const Response& response) {
  using namespace std::chrono;
  const auto elapsed = duration_cast<microseconds>(steady_clock::now() - request.received_at);
  const double ms = static_cast<double>(elapsed.count()) / 1000.0;
  // A probe or scrape of the worker's own endpoints comes every few seconds: its successes go to
  // debug, so they do not bury the jobs' lines; its failures stay warnings.
  const bool own_endpoint = request.path.starts_with(kOwnEndpointPrefix);
  const auto level = response.status >= 400 ? spdlog::level::warn
                     : own_endpoint         ? spdlog::level::debug
                                            : spdlog::level::info;
  const std::string_view msgid = request.message_id();
  log_event(level, "request",
            {{"method", request.method}, {"path", request.path}, {"status", response.status},
             {"message_id", msgid}, {"job", response.job}, {"job_id", response.job_id},
             {"task", request.task_name()}, {"peer", request.peer_address}, {"duration_ms", ms},
             {"reason", response.reason}},
            "{} {} status={} msgid={} job={} peer={} duration_ms={:.3f}{}{}", request.method, request.path,
            response.status, msgid.empty() ? "-" : msgid, response.job.empty() ? "-" : response.job,
            request.peer_address, ms, response.reason.empty() ? "" : " reason=", response.reason);
}

}  // namespace ebworker
