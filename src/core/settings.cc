#include "core/settings.h"

#include <cctype>

#include "core/text.h"

namespace ebworker {

Result<bool> parse_bool(std::string_view value) {
  const std::string lower = to_lower(value);
  if (lower == "true") return true;
  if (lower == "false" || lower.empty()) return false;
  return fail("expected true or false, got \"" + std::string(value) + "\"");
}

Result<std::chrono::seconds> parse_duration(std::string_view value) {
  long long unit = 1;
  std::string_view digits = value;
  if (!value.empty()) {
    switch (value.back()) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      default: unit = 0; break;
    }
    if (unit != 0) digits.remove_suffix(1);
    else unit = 1;
  }
  auto n = parse_number<long long>(digits, 0, 1'000'000'000);
  if (!n) return fail("expected a duration such as 90, 90s, 15m, 2h or 3d, got \"" + std::string(value) + "\"");
  return std::chrono::seconds(*n * unit);
}

Status check_log_level(std::string_view value) {
  for (std::string_view level : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (level == value) return {};
  return fail("unknown level \"" + std::string(value) + "\"");
}

}  // namespace ebworker
