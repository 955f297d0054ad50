#include "core/log_event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <cmath>
#include <string>

#include "core/iso_time.h"
#include "core/json.h"

namespace ebworker {

namespace {

std::atomic<LogFormat> current_format{LogFormat::text};

// The fields of the event being logged on this thread, for the formatter (spdlog formats in the
// logging thread: the loggers are synchronous).
thread_local const LogFields* event_fields = nullptr;

// The length of the UTF-8 sequence at the start of `s`, or 0 when it is not a valid one.
std::size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned min = 0;
  unsigned code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, min = 0x80, code = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min = 0x800, code = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, code = lead & 0x07u;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

// Text as a JSON string. A log line may quote bytes from the network: those that are not UTF-8
// become U+FFFD, so that every line stays valid JSON.
void write_text(rapidjson::Writer<rapidjson::StringBuffer>& out, std::string_view text) {
  std::string repaired;
  bool valid = true;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text.substr(i));
    if (n == 0) {
      if (valid) repaired.assign(text.substr(0, i));
      valid = false;
      repaired += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (!valid) repaired.append(text.substr(i, n));
    i += n;
  }
  const std::string_view written = valid ? text : std::string_view(repaired);
  write_json_string(out, written);
}

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
    write_text(out, std::string_view(msg.payload.data(), msg.payload.size()));
    if (event_fields) {
      for (const LogField& field : *event_fields) {
        if (field.kind() == LogField::Kind::text && field.text().empty()) continue;
        out.Key(field.key().data(), static_cast<rapidjson::SizeType>(field.key().size()));
        switch (field.kind()) {
          case LogField::Kind::text: write_text(out, field.text()); break;
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

}  // namespace

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
