#pragma once
// The worker's own endpoints (health, metrics, status page) live under one prefix, so they never
// shadow a route of the app's, and their answers are told apart from the jobs' in the log.

#include <string_view>

namespace ebworker {

inline constexpr std::string_view kOwnEndpointPrefix = "/_ebworker/";

}  // namespace ebworker
