#pragma once
// ISO 8601 UTC timestamps, the only time format on the wire.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ebworker {

// "2026-11-23T10:31:40.123Z": milliseconds, always UTC.
std::string iso8601_utc(std::chrono::system_clock::time_point t);

// "2026-11-23T10:31:40.123456789Z": nanoseconds, as Rails 7.1 and later write ActiveJob's times.
std::string iso8601_utc_nanoseconds(std::chrono::system_clock::time_point t);

// "2026-11-23T10:31:40Z": whole seconds, as aws-sqsd's headers and cron times are written.
std::string iso8601_utc_seconds(std::chrono::sys_seconds t);

// The years a time on the wire may name: whole years that system_clock's time_point (nanoseconds
// in 64 bits: 1677-09-21 to 2262-04-11) holds, so that no conversion of a time read overflows.
inline constexpr int kMinIsoYear = 1678;
inline constexpr int kMaxIsoYear = 2261;

// Accepts YYYY-MM-DDTHH:MM:SS, optional fraction of 1 to 9 digits, then 'Z', in the years above.
bool is_iso8601_utc(std::string_view s);

// The instant such a timestamp names (any fraction dropped), or nullopt if it is not one. It
// converts to a system_clock::time_point without overflow.
std::optional<std::chrono::sys_seconds> parse_iso8601_utc(std::string_view s);

}  // namespace ebworker
