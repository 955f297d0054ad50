#pragma once
// The pieces of Prometheus's text exposition format (version 0.0.4).

#include <cstddef>
#include <string>
#include <string_view>

namespace ebworker::metrics {

// The media type a scrape is answered with.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// The longest label value a series keeps, in bytes (then "…"): series are named by the code's
// own names (job classes, statuses), so only a value from outside is ever this long.
inline constexpr std::size_t kMaxLabelValueBytes = 200;
// A label value as a series keeps it: valid UTF-8 (bytes that are not become U+FFFD), at most
// kMaxLabelValueBytes and "…" (core/text.h bounded_utf8). A Prometheus server refuses a whole
// scrape over one label value that is not UTF-8.
std::string label_value(std::string_view raw);
// True when label_value keeps `raw` as it is: valid UTF-8 within the bound.
bool is_label_value(std::string_view raw);
// A label value inside its double quotes: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// A HELP line's text: backslash and line feed escaped.
std::string escape_help(std::string_view help);
// A sample value: integers without a fraction, others in the shortest form that reads back
// exactly, and +Inf, -Inf, NaN.
std::string format_value(double value);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with __ (reserved).
bool valid_label_name(std::string_view name);

}  // namespace ebworker::metrics
