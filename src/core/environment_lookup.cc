#include "core/environment_lookup.h"

namespace ebworker {

std::optional<std::string_view> lookup(const Environment& env, std::string_view name) {
  const auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return std::string_view(it->second);
}

std::string lookup_or(const Environment& env, std::string_view name, std::string_view fallback) {
  return std::string(lookup(env, name).value_or(fallback));
}

}  // namespace ebworker
