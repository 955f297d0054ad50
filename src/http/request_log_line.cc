#include "http/request_log_line.h"

#include <spdlog/spdlog.h>

namespace ebworker {

void log_request(const Request& request, const Response& response) {
  using namespace std::chrono;
  const auto elapsed = duration_cast<microseconds>(steady_clock::now() - request.received_at);
  const auto level = response.status < 400 ? spdlog::level::info : spdlog::level::warn;
  const std::string_view msgid = request.message_id();
  spdlog::log(level, "{} {} status={} msgid={} job={} peer={} duration_ms={:.3f}{}{}", request.method,
              request.path, response.status, msgid.empty() ? "-" : msgid,
              response.job.empty() ? "-" : response.job, request.peer_address,
              static_cast<double>(elapsed.count()) / 1000.0, response.reason.empty() ? "" : " reason=",
              response.reason);
}

}  // namespace ebworker
