#include "cron/cron_schedule.h"

#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include "core/split.h"
#include "core/text.h"

namespace ebworker {

namespace {

using namespace std::chrono;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const std::array<std::string_view, 13>* names;  // index = value; empty entries unused
};

constexpr std::array<std::string_view, 13> kMonthNames = {"",    "jan", "feb", "mar", "apr",
                                                          "may", "jun", "jul", "aug", "sep",
                                                          "oct", "nov", "dec"};
constexpr std::array<std::string_view, 13> kDayNames = {"sun", "mon", "tue", "wed", "thu",
                                                        "fri", "sat", "",    "",    "",
                                                        "",    "",    ""};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr},
    {"hour", 0, 23, nullptr},
    {"day-of-month", 1, 31, nullptr},
    {"month", 1, 12, &kMonthNames},
    {"day-of-week", 0, 7, &kDayNames},
};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? s.npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

Result<int> value_of(std::string_view token, const FieldSpec& spec) {
  int v = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec == std::errc() && end == token.data() + token.size()) {
    if (v < spec.min || v > spec.max)
      return fail(std::to_string(v) + " is outside " + std::to_string(spec.min) + "-" +
                  std::to_string(spec.max));
    return v;
  }
  if (spec.names && token.size() == 3) {
    const std::string lower = to_lower(token);
    for (size_t i = 0; i < spec.names->size(); ++i)
      if (!(*spec.names)[i].empty() && (*spec.names)[i] == lower) return static_cast<int>(i);
  }
  return fail("\"" + std::string(token) + "\" is not a number" +
              (spec.names ? std::string(" or a ") + (spec.names == &kMonthNames ? "month" : "day") + " name"
                          : std::string()));
}

// Sets the bits one field selects; values are as written (day-of-week 7 is folded by the caller).
Result<std::bitset<64>> parse_field(std::string_view field, const FieldSpec& spec) {
  std::bitset<64> bits;
  for (std::string_view item : split(field, ',')) {
    if (item.empty()) return fail("empty list item");
    int step = 1;
    const auto slash = item.find('/');
    std::string_view range = item.substr(0, slash);
    if (slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      const auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (ec == std::errc::result_out_of_range)
        return fail("step \"" + std::string(step_text) + "\" is too large");
      if (ec != std::errc() || end != step_text.data() + step_text.size() || step < 1)
        return fail("step \"" + std::string(step_text) + "\" must be a whole number of at least 1");
    }
    int lo = spec.min, hi = spec.max;
    if (range == "*") {
      // the whole range
    } else if (const auto dash = range.find('-'); dash != std::string_view::npos) {
      auto a = value_of(range.substr(0, dash), spec);
      if (!a) return Unexpected{a.error()};
      auto b = value_of(range.substr(dash + 1), spec);
      if (!b) return Unexpected{b.error()};
      if (*a > *b) return fail("range " + std::string(range) + " runs backwards");
      lo = *a;
      hi = *b;
    } else {
      if (slash != std::string_view::npos)
        return fail("\"" + std::string(item) + "\": a step needs * or a range before it (e.g. */" +
                    std::to_string(step) + ")");
      auto v = value_of(range, spec);
      if (!v) return Unexpected{v.error()};
      lo = hi = *v;
    }
    // A step past the range selects its first value only; stepping stops before it would
    // overflow (a step may be as large as INT_MAX).
    for (int v = lo;; v += step) {
      bits.set(static_cast<size_t>(v));
      if (hi - v < step) break;
    }
  }
  return bits;
}

std::string_view expand_macro(std::string_view text) {
  if (text == "@hourly") return "0 * * * *";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  return {};
}

template <size_t N>
std::bitset<N> narrow(const std::bitset<64>& wide) {
  std::bitset<N> out;
  for (size_t i = 0; i < N; ++i) out[i] = wide[i];
  return out;
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view text) {
  std::vector<std::string_view> fields = split_words(text);
  if (fields.size() == 1 && !fields[0].empty() && fields[0][0] == '@') {
    const std::string_view expanded = expand_macro(fields[0]);
    if (expanded.empty())
      return fail("unknown schedule macro \"" + std::string(fields[0]) +
                  "\" (known: @hourly @daily @midnight @weekly @monthly @yearly @annually)");
    auto schedule = parse(expanded);
    if (schedule) schedule->text_ = std::string(fields[0]);
    return schedule;
  }
  if (fields.size() == 6)
    return fail("schedule \"" + std::string(text) +
                "\" has 6 fields: seconds are not supported (aws-sqsd ignores the 6th field); use 5 "
                "fields: minute hour day-of-month month day-of-week");
  if (fields.size() != 5)
    return fail("schedule \"" + std::string(text) + "\" has " + std::to_string(fields.size()) +
                " fields; expected 5: minute hour day-of-month month day-of-week");

  std::array<std::bitset<64>, 5> bits;
  for (size_t i = 0; i < 5; ++i) {
    auto parsed = parse_field(fields[i], kFields[i]);
    if (!parsed)
      return fail(std::string(kFields[i].name) + " field \"" + std::string(fields[i]) +
                  "\": " + parsed.error().message);
    bits[i] = *parsed;
  }
  CronSchedule s;
  s.text_ = std::string(text);
  s.minutes_ = narrow<60>(bits[0]);
  s.hours_ = narrow<24>(bits[1]);
  s.days_of_month_ = narrow<32>(bits[2]);
  s.months_ = narrow<13>(bits[3]);
  if (bits[4][7]) bits[4].set(0);  // 7 is Sunday too
  s.days_of_week_ = narrow<7>(bits[4]);
  // As in classic cron, a field counts as unrestricted when it starts with '*' (so "*/2" too).
  s.day_of_month_star_ = fields[2][0] == '*';
  s.day_of_week_star_ = fields[4][0] == '*';
  return s;
}

bool CronSchedule::day_matches(year_month_day date) const {
  const bool dom = days_of_month_[static_cast<unsigned>(date.day())];
  const bool dow = days_of_week_[weekday(sys_days(date)).c_encoding()];
  if (day_of_month_star_ || day_of_week_star_) return dom && dow;
  return dom || dow;
}

std::optional<CronSchedule::Time> CronSchedule::next_after(Time after) const {
  // Start at the next whole minute, then skip whole months, days and hours that cannot match.
  // (Read in seconds, the minute field picks seconds of each minute, and steps are seconds.)
  const seconds step = seconds_ ? seconds(1) : minutes(1);
  sys_seconds t = seconds_ ? after + seconds(1) : floor<minutes>(after) + minutes(1);
  const sys_seconds horizon = t + days(366 * 8);  // covers leap-day-only schedules
  while (t < horizon) {
    const sys_days day = floor<days>(t);
    const year_month_day date(day);
    if (!months_[static_cast<unsigned>(date.month())]) {
      const year_month next_month = date.year() / date.month() + months(1);
      t = sys_days(next_month / 1);
      continue;
    }
    if (!day_matches(date)) {
      t = day + days(1);
      continue;
    }
    const hh_mm_ss clock(t - day);
    if (!hours_[static_cast<size_t>(clock.hours().count())]) {
      t = day + clock.hours() + hours(1);
      continue;
    }
    const auto unit = seconds_ ? clock.seconds().count() : clock.minutes().count();
    if (!minutes_[static_cast<size_t>(unit)]) {
      t += step;
      continue;
    }
    return t;
  }
  return std::nullopt;
}

}  // namespace ebworker
