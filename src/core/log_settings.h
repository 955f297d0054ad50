#pragma once
// The log level and log format rows of a command's settings table, written once: the worker's,
// the daemon's and `ebworker dev`'s tables differ only in their variables' names and meanings.
// Config holds `std::string log_level` and `LogFormat log_format`.

#include <string>
#include <string_view>

#include "core/log_event.h"
#include "core/settings.h"

namespace ebworker {

inline constexpr std::string_view kLogLevelMeaning = "trace, debug, info, warn, error, critical or off";
inline constexpr std::string_view kLogFormatMeaning = "text (key=value words) or json (one JSON object a line)";

template <typename Config>
Setting<Config> log_level_setting(std::string_view env, std::string_view meaning = kLogLevelMeaning) {
  return {env, "--log-level", "info", meaning, [](Config& c, std::string_view v) -> Status {
            if (auto ok = check_log_level(v); !ok) return ok;
            c.log_level = std::string(v);
            return {};
          }};
}

template <typename Config>
Setting<Config> log_format_setting(std::string_view env, std::string_view meaning = kLogFormatMeaning) {
  return {env, "--log-format", "text", meaning, [](Config& c, std::string_view v) -> Status {
            auto format = parse_log_format(v);
            if (!format) return Unexpected{format.error()};
            c.log_format = *format;
            return {};
          }};
}

}  // namespace ebworker
