#include "http/own_endpoints.h"

namespace ebworker {

Status check_own_endpoint_path(std::string_view path) {
  if (!path.empty() && (!is_under_own_prefix(path) || path.size() == kOwnEndpointPrefix.size() ||
                        path.find_first_of("?# \t") != std::string_view::npos))
    return fail("\"" + std::string(path) + "\" is not a path under " + std::string(kOwnEndpointPrefix) +
                " (or empty, for off)");
  return {};
}

std::optional<std::string> OwnEndpointPaths::named_twice() const {
  const std::string* paths[] = {&metrics, &health, &status};
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = i + 1; j < 3; ++j)
      if (!paths[i]->empty() && *paths[i] == *paths[j]) return *paths[i];
  return std::nullopt;
}

}  // namespace ebworker
