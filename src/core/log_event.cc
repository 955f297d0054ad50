#include "core/log_event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/pattern_formatter.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

#include "core/iso_time.h"
#include "core/json.h"
#include "core/text.h"

namespace ebworker {

namespace {

std::atomic<LogFormat> current_format{LogFormat::text};

// The fields of the event being logged on this thread, for the formatter (spdlog formats in the
// logging thread: the loggers are synchronous).
thread_local const LogFields* event_fields = nullptr;

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> out(buffer);
    out.SetMaxDecimalPlaces(3);  // durations in milliseconds, to the microsecond
    out.StartObject();
    out.Key("time");
    const std::string time = iso8601_utc(msg.time);
    write_json_string(out, time);
    out.Key("level");
    const auto level = spdlog::level::to_string_view(msg.level);
    write_json_string(out, std::string_view(level.data(), level.size()));
    out.Key("message");
    // A log line may quote bytes from the network: write_json_string makes them valid UTF-8.
    write_json_string(out, std::string_view(msg.payload.data(), msg.payload.size()));
    if (event_fields) {
      for (const LogField& field : *event_fields) {
        if (field.kind() == LogField::Kind::text && field.text().empty()) continue;
        out.Key(field.key().data(), static_cast<rapidjson::SizeType>(field.key().size()));
        switch (field.kind()) {
          case LogField::Kind::text: write_json_string(out, field.text()); break;
          case LogField::Kind::integer: out.Int64(field.integer()); break;
          case LogField::Kind::real:
            // Rounded as the text lines' {:.3f} (the writer's decimal places only cut).
            if (std::isfinite(field.real())) out.Double(std::round(field.real() * 1000) / 1000);
            else out.Null();
            break;
        }
      }
    }
    out.EndObject();
    dest.append(buffer.GetString(), buffer.GetString() + buffer.GetSize());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLogFormatter>(); }
};

class TextLogFormatter final : public spdlog::formatter {
 public:
  explicit TextLogFormatter(std::string pattern)
      : pattern_(pattern), lines_(std::move(pattern), spdlog::pattern_time_type::utc) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const bool plain = std::all_of(payload.begin(), payload.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
    if (plain) return lines_.format(msg, dest);
    const std::string escaped = escape_control_characters(payload);
    spdlog::details::log_msg line = msg;
    line.payload = spdlog::string_view_t(escaped.data(), escaped.size());
    lines_.format(line, dest);
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<TextLogFormatter>(pattern_); }

 private:
  std::string pattern_;
  spdlog::pattern_formatter lines_;
};

}  // namespace

std::unique_ptr<spdlog::formatter> text_log_formatter(std::string pattern) {
  return std::make_unique<TextLogFormatter>(std::move(pattern));
}

Result<LogFormat> parse_log_format(std::string_view value) {
  if (value == "text") return LogFormat::text;
  if (value == "json") return LogFormat::json;
  return fail("expected text or json, got \"" + std::string(value) + "\"");
}

LogFormat log_format() { return current_format.load(std::memory_order_relaxed); }

void set_log_format(LogFormat format) { current_format.store(format, std::memory_order_relaxed); }

std::unique_ptr<spdlog::formatter> json_log_formatter() { return std::make_unique<JsonLogFormatter>(); }

void log_json_event(spdlog::level::level_enum level, std::string_view message, LogFields fields) {
  struct Current {
    explicit Current(const LogFields* f) { event_fields = f; }
    ~Current() { event_fields = nullptr; }
  } current(&fields);
  spdlog::default_logger_raw()->log(level, spdlog::string_view_t(message.data(), message.size()));
}

}  // namespace ebworker
