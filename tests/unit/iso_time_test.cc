// ISO 8601 UTC: what we write (milliseconds, Z) and what we accept.

#include <gtest/gtest.h>

#include <chrono>

#include "core/iso_time.h"

namespace ebworker {
namespace {

using namespace std::chrono;

TEST(Iso8601Utc, Format) {
  const sys_days day = year{2026} / November / 23;
  EXPECT_EQ(iso8601_utc(day + 10h + 31min + 40s + 123ms), "2026-11-23T10:31:40.123Z");
  EXPECT_EQ(iso8601_utc(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc(sys_days{year{2000} / February / 29} + 23h + 59min + 59s + 999ms),
            "2000-02-29T23:59:59.999Z");
  EXPECT_EQ(iso8601_utc(sys_days{year{2024} / January / 2} + 3h + 4min + 5s + 6ms + 999us),
            "2024-01-02T03:04:05.006Z");  // truncated, not rounded
}

TEST(Iso8601Utc, NowIsAccepted) {
  const std::string now = iso8601_utc(system_clock::now());
  EXPECT_EQ(now.size(), 24u);
  EXPECT_TRUE(is_iso8601_utc(now)) << now;
}

TEST(IsIso8601Utc, Accepts) {
  for (const char* ok : {"2023-08-15T13:57:53Z", "2026-11-23T10:31:40.123Z", "2019-11-14T00:47:00Z",
                         "2023-08-15T13:57:53.1Z", "2023-08-15T13:57:53.123456789Z",
                         "2016-12-31T23:59:60Z", "1678-01-01T00:00:00Z", "2261-12-31T23:59:60Z"})
    EXPECT_TRUE(is_iso8601_utc(ok)) << ok;
}

TEST(IsIso8601Utc, Rejects) {
  for (const char* bad : {"",
                          "2023-08-15",
                          "2023-08-15T13:57:53",
                          "2023-08-15T13:57Z",
                          "2023-08-15 13:57:53Z",
                          "2023-08-15t13:57:53Z",
                          "2023-08-15T13:57:53z",
                          "2023-08-15T13:57:53+00:00",
                          "2023-08-15T13:57:53.000+00:00",
                          "2023-08-15T13:57:53ZZ",
                          "2023-08-15T13:57:53Z ",
                          " 2023-08-15T13:57:53Z",
                          "2023-8-15T13:57:53Z",
                          "23-08-15T13:57:53Z",
                          "2023/08/15T13:57:53Z",
                          "2023-00-15T13:57:53Z",
                          "2023-13-15T13:57:53Z",
                          "2023-08-00T13:57:53Z",
                          "2023-08-32T13:57:53Z",
                          "2023-08-15T24:00:00Z",
                          "2023-08-15T13:60:00Z",
                          "2023-08-15T13:57:61Z",
                          "2023-08-15T13:57:53.Z",
                          "2023-08-15T13:57:53.1234567890Z",
                          "2023-08-15T13:57:53.12a4Z",
                          "2023-08-15T13:57:53,123Z",
                          "2017-03-22 23:10:00 UTC",
                          "+2023-08-15T13:57:53Z",
                          "2023-08-1-T13:57:53Z",
                          "2023-08-15T-3:57:53Z",
                          // Outside the years system_clock's nanoseconds reach, whole
                          "0000-01-01T00:00:00Z",
                          "1677-12-31T23:59:59Z",
                          "2262-01-01T00:00:00Z",
                          "2262-04-11T23:47:17Z",
                          "9999-12-31T23:59:59Z"})
    EXPECT_FALSE(is_iso8601_utc(bad)) << bad;
}

// Every time accepted converts to a system_clock time_point (nanoseconds in 64 bits) and back
// without overflow: the first and last instants of the range format back to themselves.
TEST(ParseIso8601Utc, TheRangeEndsConvertToTheClockAndBack) {
  for (const char* edge : {"1678-01-01T00:00:00Z", "2261-12-31T23:59:59Z"}) {
    SCOPED_TRACE(edge);
    const auto t = parse_iso8601_utc(edge);
    ASSERT_TRUE(t.has_value());
    const std::string millis = iso8601_utc(system_clock::time_point(*t));
    EXPECT_EQ(parse_iso8601_utc(millis), t) << millis;
  }
  EXPECT_EQ(iso8601_utc(system_clock::time_point(*parse_iso8601_utc("2261-12-31T23:59:59Z"))),
            "2261-12-31T23:59:59.000Z");
  // A leap second is read as the next minute's first: in 2262, still inside the clock.
  EXPECT_EQ(iso8601_utc(system_clock::time_point(*parse_iso8601_utc("2261-12-31T23:59:60Z"))),
            "2262-01-01T00:00:00.000Z");
  EXPECT_FALSE(parse_iso8601_utc("2262-04-11T23:47:17Z").has_value());
}

TEST(Iso8601UtcSeconds, Format) {
  const sys_days day = year{2026} / November / 23;
  EXPECT_EQ(iso8601_utc_seconds(day + 10h + 31min + 40s), "2026-11-23T10:31:40Z");
  EXPECT_EQ(iso8601_utc_seconds(sys_seconds{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601_utc_seconds(sys_days{year{2028} / February / 29} + 23h + 59min + 59s),
            "2028-02-29T23:59:59Z");
  EXPECT_TRUE(is_iso8601_utc(iso8601_utc_seconds(floor<seconds>(system_clock::now()))));
}

TEST(ParseIso8601Utc, RoundTripsAndDropsTheFraction) {
  const sys_seconds t = sys_days{year{2023} / August / 15} + 13h + 57min + 53s;
  EXPECT_EQ(parse_iso8601_utc("2023-08-15T13:57:53Z"), t);
  EXPECT_EQ(parse_iso8601_utc("2023-08-15T13:57:53.999Z"), t);
  EXPECT_EQ(parse_iso8601_utc(iso8601_utc_seconds(t)), t);
  EXPECT_EQ(parse_iso8601_utc("1970-01-01T00:00:00Z"), sys_seconds{});
}

TEST(ParseIso8601Utc, RefusesNonTimesAndImpossibleDates) {
  EXPECT_FALSE(parse_iso8601_utc("2023-08-15T13:57:53").has_value());
  EXPECT_FALSE(parse_iso8601_utc("yesterday").has_value());
  EXPECT_FALSE(parse_iso8601_utc("2023-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(parse_iso8601_utc("2023-04-31T00:00:00Z").has_value());
  EXPECT_TRUE(parse_iso8601_utc("2024-02-29T00:00:00Z").has_value());
}

}  // namespace
}  // namespace ebworker
