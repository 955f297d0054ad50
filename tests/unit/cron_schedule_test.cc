// CronSchedule: five-field cron in UTC with classic semantics (docs/wire-protocol.md, "cron.yaml"),
// and the next fire time strictly after a given instant.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/iso_time.h"
#include "cron/cron_schedule.h"

namespace ebworker {
namespace {

using Time = CronSchedule::Time;

Time at(std::string_view iso) {
  auto t = parse_iso8601_utc(iso);
  if (!t) ADD_FAILURE() << "bad time in test: " << iso;
  return t.value_or(Time{});
}

// The next fire time after `after`, as text ("never" when there is none).
std::string next(std::string_view schedule, std::string_view after) {
  auto s = CronSchedule::parse(schedule);
  if (!s) {
    ADD_FAILURE() << schedule << ": " << s.error().message;
    return "parse error";
  }
  const auto t = s->next_after(at(after));
  return t ? iso8601_utc_seconds(*t) : "never";
}

std::string error_of(std::string_view schedule) {
  auto s = CronSchedule::parse(schedule);
  EXPECT_FALSE(s.has_value()) << "accepted: " << schedule;
  return s ? std::string() : s.error().message;
}

// 2026-11-23 is a Monday.
constexpr std::string_view kMonday = "2026-11-23T10:31:40Z";

TEST(CronSchedule, EveryMinuteAndFixedTimes) {
  EXPECT_EQ(next("* * * * *", kMonday), "2026-11-23T10:32:00Z");
  EXPECT_EQ(next("0 3 * * *", kMonday), "2026-11-24T03:00:00Z");
  EXPECT_EQ(next("45 10 * * *", kMonday), "2026-11-23T10:45:00Z");
  EXPECT_EQ(next("30 10 * * *", kMonday), "2026-11-24T10:30:00Z");
  EXPECT_EQ(next("32 10 * * *", kMonday), "2026-11-23T10:32:00Z");
  EXPECT_EQ(next("59 23 31 12 *", kMonday), "2026-12-31T23:59:00Z");
}

TEST(CronSchedule, NextIsStrictlyAfter) {
  EXPECT_EQ(next("*/15 * * * *", "2026-11-23T10:45:00Z"), "2026-11-23T11:00:00Z");
  EXPECT_EQ(next("*/15 * * * *", "2026-11-23T10:44:59Z"), "2026-11-23T10:45:00Z");
  EXPECT_EQ(next("0 0 * * *", "2026-12-31T23:59:59Z"), "2027-01-01T00:00:00Z");
}

TEST(CronSchedule, StepsRangesAndLists) {
  EXPECT_EQ(next("*/15 * * * *", kMonday), "2026-11-23T10:45:00Z");
  EXPECT_EQ(next("10-20/5 * * * *", "2026-11-23T10:16:00Z"), "2026-11-23T10:20:00Z");
  EXPECT_EQ(next("10-20/5 * * * *", "2026-11-23T10:20:00Z"), "2026-11-23T11:10:00Z");
  EXPECT_EQ(next("5,35 * * * *", kMonday), "2026-11-23T10:35:00Z");
  EXPECT_EQ(next("0 */12 * * *", kMonday), "2026-11-23T12:00:00Z");
  EXPECT_EQ(next("0 9-17 * * *", "2026-11-23T17:30:00Z"), "2026-11-24T09:00:00Z");
  EXPECT_EQ(next("0 0 1,15 * *", kMonday), "2026-12-01T00:00:00Z");
}

TEST(CronSchedule, MonthAndDayNamesAnyCase) {
  EXPECT_EQ(next("0 0 1 JAN *", kMonday), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next("0 0 1 jun *", kMonday), "2027-06-01T00:00:00Z");
  EXPECT_EQ(next("0 0 * * Fri", kMonday), "2026-11-27T00:00:00Z");
  EXPECT_EQ(next("0 0 * * mon-wed", kMonday), "2026-11-24T00:00:00Z");
  EXPECT_EQ(next("0 0 1 nov-dec *", kMonday), "2026-12-01T00:00:00Z");
}

TEST(CronSchedule, SevenIsSunday) {
  EXPECT_EQ(next("0 0 * * 7", kMonday), "2026-11-29T00:00:00Z");
  EXPECT_EQ(next("0 0 * * 0", kMonday), "2026-11-29T00:00:00Z");
  EXPECT_EQ(next("0 0 * * sun", kMonday), "2026-11-29T00:00:00Z");
  EXPECT_EQ(next("0 0 * * 5-7", kMonday), "2026-11-27T00:00:00Z");
}

TEST(CronSchedule, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // The 1st of the month, or any Monday.
  EXPECT_EQ(next("0 0 1 * mon", "2026-11-23T00:00:00Z"), "2026-11-30T00:00:00Z");
  EXPECT_EQ(next("0 0 1 * mon", "2026-11-30T00:00:00Z"), "2026-12-01T00:00:00Z");
  EXPECT_EQ(next("0 0 1 * mon", "2026-12-01T00:00:00Z"), "2026-12-07T00:00:00Z");
  // A field starting with '*' counts as unrestricted: then both must match (odd days, Mondays).
  EXPECT_EQ(next("0 0 */2 * mon", "2026-11-22T00:00:00Z"), "2026-11-23T00:00:00Z");
  EXPECT_EQ(next("0 0 */2 * mon", "2026-11-23T00:00:00Z"), "2026-12-07T00:00:00Z");
}

TEST(CronSchedule, Macros) {
  EXPECT_EQ(next("@hourly", kMonday), "2026-11-23T11:00:00Z");
  EXPECT_EQ(next("@daily", kMonday), "2026-11-24T00:00:00Z");
  EXPECT_EQ(next("@midnight", kMonday), "2026-11-24T00:00:00Z");
  EXPECT_EQ(next("@weekly", kMonday), "2026-11-29T00:00:00Z");
  EXPECT_EQ(next("@monthly", kMonday), "2026-12-01T00:00:00Z");
  EXPECT_EQ(next("@yearly", kMonday), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next("@annually", kMonday), "2027-01-01T00:00:00Z");
  EXPECT_EQ(CronSchedule::parse("@hourly")->text(), "@hourly");
  EXPECT_EQ(CronSchedule::parse(" 0 3 * * * ")->text(), " 0 3 * * * ");
}

TEST(CronSchedule, LeapDayAndImpossibleDates) {
  EXPECT_EQ(next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(next("0 0 30 2 *", kMonday), "never");
  EXPECT_EQ(next("0 0 31 4,6,9,11 *", kMonday), "never");
  // Impossible day of month, but the weekday alternative still fires.
  EXPECT_EQ(next("0 0 30 feb mon", "2027-01-01T00:00:00Z"), "2027-02-01T00:00:00Z");
}

TEST(CronSchedule, FieldCountErrors) {
  const std::string six = error_of("*/30 * * * * *");
  EXPECT_EQ(six.rfind("schedule \"*/30 * * * * *\" has 6 fields: seconds are not supported", 0), 0u) << six;
  EXPECT_EQ(error_of("0 3 * *"),
            "schedule \"0 3 * *\" has 4 fields; expected 5: minute hour day-of-month month day-of-week");
  EXPECT_EQ(error_of("").rfind("schedule \"\" has 0 fields", 0), 0u);
  EXPECT_EQ(error_of("@hourly *").rfind("schedule \"@hourly *\" has 2 fields", 0), 0u);
}

TEST(CronSchedule, MacroErrors) {
  EXPECT_EQ(error_of("@fortnightly").rfind("unknown schedule macro \"@fortnightly\"", 0), 0u);
  EXPECT_EQ(error_of("@").rfind("unknown schedule macro \"@\"", 0), 0u);
  EXPECT_EQ(error_of("@HOURLY").rfind("unknown schedule macro \"@HOURLY\"", 0), 0u);
}

TEST(CronSchedule, FieldErrorsNameTheField) {
  EXPECT_EQ(error_of("60 * * * *"), "minute field \"60\": 60 is outside 0-59");
  EXPECT_EQ(error_of("0 24 * * *"), "hour field \"24\": 24 is outside 0-23");
  EXPECT_EQ(error_of("0 0 0 * *"), "day-of-month field \"0\": 0 is outside 1-31");
  EXPECT_EQ(error_of("0 0 32 * *"), "day-of-month field \"32\": 32 is outside 1-31");
  EXPECT_EQ(error_of("0 0 * 13 *"), "month field \"13\": 13 is outside 1-12");
  EXPECT_EQ(error_of("0 0 * * 8"), "day-of-week field \"8\": 8 is outside 0-7");
  EXPECT_EQ(error_of("0 0 * foo *"), "month field \"foo\": \"foo\" is not a number or a month name");
  EXPECT_EQ(error_of("0 0 * * funday"), "day-of-week field \"funday\": \"funday\" is not a number or a day name");
  EXPECT_EQ(error_of("x * * * *"), "minute field \"x\": \"x\" is not a number");
}

// A step may be as large as an int: stepping past the range must stop, not overflow (this
// schedule once aborted the process with std::out_of_range, and overflowed under UBSan).
TEST(CronSchedule, HugeStepsSelectTheFirstValueOnly) {
  EXPECT_EQ(next("0 0 1-31/2147483647 * *", "2024-01-05T00:00:00Z"), "2024-02-01T00:00:00Z");
  EXPECT_EQ(next("*/2147483647 * * * *", "2024-01-05T00:00:30Z"), "2024-01-05T01:00:00Z");
  EXPECT_EQ(next("0 0 * * 0-7/2147483646", "2024-01-05T00:00:00Z"), "2024-01-07T00:00:00Z");
  EXPECT_EQ(error_of("*/2147483648 * * * *"), "minute field \"*/2147483648\": step \"2147483648\" is too large");
}

TEST(CronSchedule, StructuralErrors) {
  EXPECT_EQ(error_of("5/10 * * * *"),
            "minute field \"5/10\": \"5/10\": a step needs * or a range before it (e.g. */10)");
  EXPECT_EQ(error_of("*/0 * * * *"), "minute field \"*/0\": step \"0\" must be a whole number of at least 1");
  EXPECT_EQ(error_of("*/x * * * *"), "minute field \"*/x\": step \"x\" must be a whole number of at least 1");
  EXPECT_EQ(error_of("*/ * * * *"), "minute field \"*/\": step \"\" must be a whole number of at least 1");
  EXPECT_EQ(error_of("30-10 * * * *"), "minute field \"30-10\": range 30-10 runs backwards");
  EXPECT_EQ(error_of("1,,2 * * * *"), "minute field \"1,,2\": empty list item");
  EXPECT_EQ(error_of("1, * * * *"), "minute field \"1,\": empty list item");
  EXPECT_EQ(error_of("0 0 * * mon-sun"), "day-of-week field \"mon-sun\": range mon-sun runs backwards");
}

}  // namespace
}  // namespace ebworker

namespace ebworker {
namespace {

// The test knob EBWORKER_SQSD_CRON_SECONDS: the minute field read as seconds of each minute,
// the other fields as before.
TEST(CronScheduleInSeconds, TheMinuteFieldPicksSeconds) {
  const auto in_seconds = [](std::string_view schedule, std::string_view after) {
    auto s = CronSchedule::parse(schedule);
    if (!s) return std::string("parse error");
    const auto t = s->read_in_seconds().next_after(at(after));
    return t ? iso8601_utc_seconds(*t) : std::string("never");
  };
  EXPECT_EQ(in_seconds("* * * * *", kMonday), "2026-11-23T10:31:41Z");
  EXPECT_EQ(in_seconds("*/15 * * * *", kMonday), "2026-11-23T10:31:45Z");
  EXPECT_EQ(in_seconds("0 11 * * *", kMonday), "2026-11-23T11:00:00Z");
  EXPECT_EQ(in_seconds("5 * 24 * *", kMonday), "2026-11-24T00:00:05Z");
  EXPECT_EQ(next("* * * * *", kMonday), "2026-11-23T10:32:00Z") << "the schedule itself is unchanged";
}

}  // namespace
}  // namespace ebworker
