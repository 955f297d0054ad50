#pragma once
// A cron.yaml schedule: five fields (minute hour day-of-month month day-of-week), UTC, with the
// semantics of classic cron (docs/wire-protocol.md, "cron.yaml"): `*`, `*/n`, `a-b`, `a-b/n`,
// lists, month and day names, 7 = Sunday, @macros, and a day matching when day-of-month OR
// day-of-week matches if both are restricted.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <ebworker/result.h>

namespace ebworker {

class CronSchedule {
 public:
  using Time = std::chrono::sys_seconds;

  // Errors name the field and what is wrong with it, e.g.
  //   hour field "25": 25 is outside 0-23
  static Result<CronSchedule> parse(std::string_view text);

  // The first fire time strictly after `after`, or nullopt if it never fires (e.g. Feb 30).
  std::optional<Time> next_after(Time after) const;

  const std::string& text() const { return text_; }

  // A test knob (EBWORKER_SQSD_CRON_SECONDS): the same schedule with its minute field read as
  // the seconds of each minute, so "* * * * *" fires every second.
  CronSchedule read_in_seconds() const {
    CronSchedule s = *this;
    s.seconds_ = true;
    return s;
  }

 private:
  bool day_matches(std::chrono::year_month_day date) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1-31
  std::bitset<13> months_;         // 1-12
  std::bitset<7> days_of_week_;    // 0-6, Sunday = 0
  bool day_of_month_star_ = false;
  bool day_of_week_star_ = false;
  bool seconds_ = false;
};

}  // namespace ebworker
