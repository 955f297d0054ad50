#include "core/iso_time.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace ebworker {

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string iso8601_utc_nanoseconds(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(t);
  const auto nanos = duration_cast<nanoseconds>(t - seconds).count();
  std::string text = iso8601_utc_seconds(seconds);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
  return text.insert(text.size() - 1, fraction);
}

std::string iso8601_utc_seconds(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  const sys_days day = floor<days>(t);
  const year_month_day date(day);
  const hh_mm_ss clock(t - day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return buf;
}

namespace {

int number_at(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool digits(std::string_view s, size_t pos, size_t n, int lo, int hi) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  return v >= lo && v <= hi;
}

}  // namespace

bool is_iso8601_utc(std::string_view s) {
  // 0123456789012345678
  // YYYY-MM-DDTHH:MM:SS
  if (s.size() < 20) return false;
  if (!digits(s, 0, 4, kMinIsoYear, kMaxIsoYear) || s[4] != '-' || !digits(s, 5, 2, 1, 12) || s[7] != '-' ||
      !digits(s, 8, 2, 1, 31) || s[10] != 'T' || !digits(s, 11, 2, 0, 23) || s[13] != ':' ||
      !digits(s, 14, 2, 0, 59) || s[16] != ':' || !digits(s, 17, 2, 0, 60))
    return false;
  // A day the month has: 30 February names no instant.
  using namespace std::chrono;
  if (!year_month_day{year(number_at(s, 0, 4)), month(static_cast<unsigned>(number_at(s, 5, 2))),
                      day(static_cast<unsigned>(number_at(s, 8, 2)))}
           .ok())
    return false;
  size_t pos = 19;
  if (s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    const size_t n = pos - start;
    if (n < 1 || n > 9) return false;
  }
  return pos + 1 == s.size() && s[pos] == 'Z';
}

std::optional<std::chrono::sys_seconds> parse_iso8601_utc(std::string_view s) {
  using namespace std::chrono;
  if (!is_iso8601_utc(s)) return std::nullopt;
  const year_month_day date{year(number_at(s, 0, 4)), month(static_cast<unsigned>(number_at(s, 5, 2))),
                            day(static_cast<unsigned>(number_at(s, 8, 2)))};
  if (!date.ok()) return std::nullopt;
  return sys_days(date) + hours(number_at(s, 11, 2)) + minutes(number_at(s, 14, 2)) +
         seconds(number_at(s, 17, 2));
}

}  // namespace ebworker
