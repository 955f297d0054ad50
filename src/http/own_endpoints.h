#pragma once
// The worker's own endpoints (metrics, health, status page): the one place that knows their
// prefix, their default paths and which paths they may take. They live under one prefix, so
// they never shadow a route of the app's, and their answers are told apart from the app's in
// the log. Here, in src/http, because the lowest of the places that ask is the request's log line.

#include <optional>
#include <string>
#include <string_view>

#include <ebworker/result.h>

namespace ebworker {

inline constexpr std::string_view kOwnEndpointPrefix = "/_ebworker/";
inline constexpr std::string_view kDefaultMetricsPath = "/_ebworker/metrics";
inline constexpr std::string_view kDefaultHealthPath = "/_ebworker/health";
inline constexpr std::string_view kDefaultStatusPath = "/_ebworker/status";

// Any path under the prefix, whether an endpoint answers there or not.
inline bool is_under_own_prefix(std::string_view path) { return path.starts_with(kOwnEndpointPrefix); }

// A path an endpoint may take: under the prefix (not the prefix alone), without a query, a
// fragment or a blank; or empty, which turns the endpoint off.
Status check_own_endpoint_path(std::string_view path);

// Where each endpoint answers (EBWORKER_METRICS_PATH, _HEALTH_PATH, _STATUS_PATH); "" is off.
struct OwnEndpointPaths {
  std::string metrics{kDefaultMetricsPath};
  std::string health{kDefaultHealthPath};
  std::string status{kDefaultStatusPath};

  bool any() const { return !metrics.empty() || !health.empty() || !status.empty(); }
  bool matches(std::string_view path) const {
    return !path.empty() && (path == metrics || path == health || path == status);
  }
  // A path given to two endpoints, if any.
  std::optional<std::string> named_twice() const;
};

}  // namespace ebworker
