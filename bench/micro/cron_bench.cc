// The next fire time of a cron.yaml schedule: what the daemon's cron leader asks after each task.
#include <benchmark/benchmark.h>

#include "cron/cron_schedule.h"

namespace {

using ebworker::CronSchedule;

// Fixed start, so runs compare: 2026-11-23T10:31:40Z.
const CronSchedule::Time kStart = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} +
                                  std::chrono::hours(10) + std::chrono::minutes(31) + std::chrono::seconds(40);

void next_time(benchmark::State& state, const char* text) {
  auto schedule = CronSchedule::parse(text);
  if (!schedule) {
    state.SkipWithError(schedule.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    auto next = schedule->next_after(kStart);
    if (!next) state.SkipWithError("never fires");
    benchmark::DoNotOptimize(next);
  }
}

BENCHMARK_CAPTURE(next_time, every_12_hours, "0 */12 * * *");
BENCHMARK_CAPTURE(next_time, business_hours, "*/5 9-17 * * mon-fri");
// Day-of-month OR day-of-week, months apart.
BENCHMARK_CAPTURE(next_time, dom_or_dow, "0 0 13 feb fri");
// The worst case: Feb 29, years away.
BENCHMARK_CAPTURE(next_time, leap_day, "0 0 29 2 *");

void BM_CronParse(benchmark::State& state) {
  for (auto _ : state) {
    auto s = CronSchedule::parse("*/5 9-17 1,15 jan-jun mon-fri");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_CronParse);

}  // namespace
