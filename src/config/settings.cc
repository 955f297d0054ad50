#include "config/settings.h"

#include <cctype>

#include "core/text.h"

namespace ebworker {

Result<bool> parse_bool(std::string_view value) {
  const std::string lower = to_lower(value);
  if (lower == "true") return true;
  if (lower == "false" || lower.empty()) return false;
  return fail("expected true or false, got \"" + std::string(value) + "\"");
}

Status check_log_level(std::string_view value) {
  for (std::string_view level : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (level == value) return {};
  return fail("unknown level \"" + std::string(value) + "\"");
}

}  // namespace ebworker
