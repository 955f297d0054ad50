#include "http/request_log_line.h"

#include "core/log_event.h"
#include "core/text.h"
#include "http/own_endpoints.h"

namespace ebworker {

void log_request(const Request& request, const Response& response) {
  using namespace std::chrono;
  const auto elapsed = duration_cast<microseconds>(steady_clock::now() - request.received_at);
  const double ms = static_cast<double>(elapsed.count()) / 1000.0;
  // A probe or scrape of the worker's own endpoints comes every few seconds: its successes go to
  // debug, so they do not bury the app's lines; its failures stay warnings.
  const bool own_endpoint = is_under_own_prefix(request.path);
  const auto level = response.status >= 400 ? spdlog::level::warn
                     : own_endpoint         ? spdlog::level::debug
                                            : spdlog::level::info;
  if (!spdlog::should_log(level)) return;
  // What came from outside is quoted, not copied whole: a megabyte name makes no megabyte line.
  const auto quoted = [](std::string_view text) { return bounded_text(text, 200); };
  const std::string path = quoted(request.path), msgid = quoted(request.message_id()), job = quoted(response.job),
                    job_id = quoted(response.job_id), task = quoted(request.task_name()),
                    reason = bounded_text(response.reason, 1000);
  log_event(level, "request",
            {{"method", request.method}, {"path", path}, {"status", response.status},
             {"message_id", msgid}, {"job", job}, {"job_id", job_id},
             {"task", task}, {"peer", request.peer_address}, {"duration_ms", ms},
             {"reason", reason}},
            "{} {} status={} msgid={} job={} peer={} duration_ms={:.3f}{}{}", request.method, path,
            response.status, msgid.empty() ? "-" : msgid, job.empty() ? "-" : job,
            request.peer_address, ms, reason.empty() ? "" : " reason=", reason);
}

}  // namespace ebworker
