#pragma once
// Log lines with named fields. In the text format (the default) a line reads as it always has,
// key=value words that people and tests grep; in the json format (EBWORKER_LOG_FORMAT=json) every
// line is one JSON object {"time","level","message", and the event's fields}, for CloudWatch Logs
// Insights and other log stores. Plain spdlog lines become {"time","level","message"} too.
//
//   log_event(spdlog::level::info, "deleting", {{"message_id", id}, {"status", 200}},
//             "msgid={} status=200: deleting", id);   // the text line, formatted only in text
//
// The fields' names are fixed (docs/operations.md lists them); a field whose text is empty is
// left out of the JSON (unknown), so callers pass what they have. Never pass a secret.

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <ebworker/result.h>

namespace ebworker {

enum class LogFormat { text, json };

// "text" or "json".
Result<LogFormat> parse_log_format(std::string_view value);

// The process's format (text until set); setup_logging sets it with the logger's formatter.
LogFormat log_format();
void set_log_format(LogFormat format);

// The formatter of the json format's lines, for the logger's sinks.
std::unique_ptr<spdlog::formatter> json_log_formatter();

// The text format's lines: "2026-11-23T10:31:40.123Z info <message>" (UTC), the message with
// every control character escaped (core/text.h), so that what a line quotes from outside (a
// header, a message id, a job's name or its log) can neither break it nor forge another.
inline constexpr const char* kTextLogPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
std::unique_ptr<spdlog::formatter> text_log_formatter(std::string pattern = kTextLogPattern);

// One named value: text (left out when empty), a whole number or a number with a fraction.
class LogField {
 public:
  LogField(std::string_view key, std::string_view text) : key_(key), kind_(Kind::text), text_(text) {}
  LogField(std::string_view key, const char* text) : LogField(key, std::string_view(text)) {}
  LogField(std::string_view key, const std::string& text) : LogField(key, std::string_view(text)) {}
  template <typename N>
    requires std::is_integral_v<N> && (!std::is_same_v<N, bool>)
  LogField(std::string_view key, N number) : key_(key), kind_(Kind::integer), integer_(static_cast<long long>(number)) {}
  LogField(std::string_view key, double number) : key_(key), kind_(Kind::real), real_(number) {}
  // A number known only sometimes: left out when there is none.
  template <typename N>
  LogField(std::string_view key, const std::optional<N>& number)
      : LogField(number ? LogField(key, *number) : LogField(key, std::string_view())) {}

  enum class Kind { text, integer, real };
  std::string_view key() const { return key_; }
  Kind kind() const { return kind_; }
  std::string_view text() const { return text_; }
  long long integer() const { return integer_; }
  double real() const { return real_; }

 private:
  std::string_view key_;
  Kind kind_;
  std::string_view text_{};
  long long integer_ = 0;
  double real_ = 0;
};

using LogFields = std::initializer_list<LogField>;

// The json format's line of an event (the fields go with `message` to the logger's formatter).
void log_json_event(spdlog::level::level_enum level, std::string_view message, LogFields fields);

// An event whose text line keeps a form of its own (`text` with `args`, fmt syntax).
template <typename... Args>
void log_event(spdlog::level::level_enum level, std::string_view message, LogFields fields,
               fmt::format_string<Args...> text, Args&&... args) {
  if (!spdlog::should_log(level)) return;
  if (log_format() == LogFormat::json) return log_json_event(level, message, fields);
  spdlog::log(level, text, std::forward<Args>(args)...);
}

}  // namespace ebworker
