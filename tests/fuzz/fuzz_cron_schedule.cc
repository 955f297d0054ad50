// Input modelled: the `schedule:` value of a cron.yaml task (five cron fields or an @macro), as
// the worker and `ebworker sqsd` parse it at start-up. The first 4 bytes pick the instant to
// start from (a second between 1970 and 2106); the rest is the schedule text.
// Checked, for a schedule that parses: each next fire time is strictly later, on a whole minute,
// fires again when asked from one second before it, and the text survives a second parse.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "cron/cron_schedule.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace std::chrono;
  using ebworker::CronSchedule;
  if (size < 4) return 0;
  std::uint32_t start = 0;
  std::memcpy(&start, data, 4);
  const std::string_view text = ebworker::fuzz::as_text(data + 4, size - 4);

  auto schedule = CronSchedule::parse(text);
  if (!schedule) {
    FUZZ_CHECK(!schedule.error().message.empty());
    return 0;
  }
  auto again = CronSchedule::parse(schedule->text());
  FUZZ_CHECK(again.has_value());

  CronSchedule::Time t{seconds(start)};
  for (int i = 0; i < 4; ++i) {
    const auto next = schedule->next_after(t);
    if (!next) break;  // never fires (e.g. 30 February)
    FUZZ_CHECK(*next > t);
    FUZZ_CHECK(next->time_since_epoch().count() % 60 == 0);
    FUZZ_CHECK(schedule->next_after(*next - seconds(1)) == next);
    FUZZ_CHECK(again->next_after(t) == next);
    t = *next;
  }
  return 0;
}
