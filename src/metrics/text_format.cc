#include "metrics/text_format.h"

#include <charconv>
#include <cmath>

#include "core/text.h"

namespace ebworker::metrics {

std::string label_value(std::string_view raw) { return bounded_utf8(raw, kMaxLabelValueBytes); }

bool is_label_value(std::string_view raw) { return raw.size() <= kMaxLabelValueBytes && is_valid_utf8(raw); }

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "NaN";
  return std::string(buffer, end);
}

namespace {

bool letter_or_underscore(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !(letter_or_underscore(name[0]) || name[0] == ':')) return false;
  for (const char c : name)
    if (!(letter_or_underscore(c) || digit(c) || c == ':')) return false;
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || !letter_or_underscore(name[0]) || name.starts_with("__")) return false;
  for (const char c : name)
    if (!(letter_or_underscore(c) || digit(c))) return false;
  return true;
}

}  // namespace ebworker::metrics
