// JobCounters: each outcome counted once in the metrics registry, by job; totals are sums of
// those series; the history keeps 15 minute buckets and the 20 latest failures. Only recognised
// names get series of their own; any other counts as (unknown), and the history keeps bounded,
// valid UTF-8 texts.

#include "worker/job_counters.h"

#include <gtest/gtest.h>

#include "support/prometheus_text.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;
using testing::parse_prometheus_text;

const auto kT0 = std::chrono::sys_days{std::chrono::year{2026} / 3 / 14} + 10h;  // a whole minute

TEST(JobCounters, EachOutcomeIsOneSeriesOfTheRegistryByJob) {
  JobCounters counters;
  counters.recognise({"EchoJob", "FailJob", "NightlyCleanupJob", "NeverCountedJob"});
  counters.count({.outcome = JobOutcome::done, .job = "EchoJob", .ran = 0.02s});
  counters.count({.outcome = JobOutcome::done, .job = "EchoJob", .ran = 0.2s});
  counters.count({.outcome = JobOutcome::failed, .job = "FailJob", .reason = "boom", .ran = 1.5s});
  counters.count({.outcome = JobOutcome::skipped, .job = "NightlyCleanupJob"});

  const auto parsed = parse_prometheus_text(counters.registry().expose());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->value("ebworker_jobs_total", {{"job", "EchoJob"}, {"outcome", "done"}}), 2);
  EXPECT_EQ(parsed->value("ebworker_jobs_total", {{"job", "EchoJob"}, {"outcome", "failed"}}), 0);
  EXPECT_EQ(parsed->value("ebworker_jobs_total", {{"job", "FailJob"}, {"outcome", "failed"}}), 1);
  EXPECT_EQ(parsed->value("ebworker_job_duration_seconds_count", {{"job", "EchoJob"}}), 2);
  EXPECT_EQ(parsed->value("ebworker_job_duration_seconds_bucket", {{"job", "EchoJob"}, {"le", "0.025"}}), 1);
  // A skipped task never ran: counted, not timed.
  EXPECT_EQ(parsed->value("ebworker_job_duration_seconds_count", {{"job", "NightlyCleanupJob"}}), 0);

  EXPECT_EQ(counters.total(JobOutcome::done), 2u);
  EXPECT_EQ(counters.describe(), "done=2 failed=1 retried=0 discarded=0 dead_lettered=0 skipped=1 not_due=0 continued=0 unknown_sent_on=0 limited=0");
  const auto jobs = counters.by_job();
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].job, "EchoJob");
  EXPECT_EQ(jobs[0].counts[static_cast<std::size_t>(JobOutcome::done)], 2u);
  EXPECT_EQ(jobs[0].duration.count, 2u);
}

TEST(JobCounters, TheHistoryHasFifteenMinutesOfFinishedAndFailedJobs) {
  JobCounters counters;
  counters.recognise({"A"});
  counters.count({.outcome = JobOutcome::done, .job = "A"}, kT0 - 20min);  // too old: overwritten
  counters.count({.outcome = JobOutcome::done, .job = "A"}, kT0 - 5min);   // 15 ago from +10
  counters.count({.outcome = JobOutcome::done, .job = "A"}, kT0 + 1s);
  counters.count({.outcome = JobOutcome::dead_lettered, .job = "A"}, kT0 + 59s);
  counters.count({.outcome = JobOutcome::not_due, .job = "A"}, kT0 + 2s);  // ran nothing
  counters.count({.outcome = JobOutcome::done, .job = "A"}, kT0 + 3min);

  const auto minutes = counters.history().minutes(kT0 + 3min + 30s);
  ASSERT_EQ(minutes.size(), 15u);
  EXPECT_EQ(minutes.back().minute, kT0 + 3min);
  EXPECT_EQ(minutes.front().minute, kT0 - 11min);
  EXPECT_EQ(minutes.back().finished, 1u);
  EXPECT_EQ(minutes[11].minute, kT0);
  EXPECT_EQ(minutes[11].finished, 2u);
  EXPECT_EQ(minutes[11].failed, 1u);
  EXPECT_EQ(minutes[6].minute, kT0 - 5min);
  EXPECT_EQ(minutes[6].finished, 1u);

  // Fifteen minutes on, kT0 - 5min has gone out of the window (its slot shows zero).
  const auto later = counters.history().minutes(kT0 + 10min);
  std::uint64_t finished = 0;
  for (const auto& m : later) finished += m.finished;
  EXPECT_EQ(finished, 3u);
}

TEST(JobCounters, TheLatestTwentyFailuresAreKeptNewestFirst) {
  JobCounters counters;
  counters.recognise({"FailJob", "EchoJob"});
  for (int i = 0; i < 25; ++i)
    counters.count({.outcome = JobOutcome::failed, .job = "FailJob", .job_id = "id-" + std::to_string(i),
                    .message_id = "m-" + std::to_string(i), .reason = "reason " + std::to_string(i)},
                   kT0 + std::chrono::seconds(i));
  counters.count({.outcome = JobOutcome::done, .job = "EchoJob"}, kT0 + 30s);
  const auto failures = counters.history().failures();
  ASSERT_EQ(failures.size(), 20u);
  EXPECT_EQ(failures.front().job_id, "id-24");
  EXPECT_EQ(failures.front().message_id, "m-24");
  EXPECT_EQ(failures.front().reason, "reason 24");
  EXPECT_EQ(failures.front().at, kT0 + 24s);
  EXPECT_EQ(failures.back().job_id, "id-5");
}

TEST(JobCounters, AnyNameNotRecognisedCountsAsUnknownWithoutASeriesOfItsOwn) {
  JobCounters counters;
  counters.recognise({"EchoJob"});
  counters.count({.outcome = JobOutcome::done, .job = "EchoJob"});
  for (int i = 0; i < 2000; ++i)
    counters.count({.outcome = JobOutcome::failed, .job = "Undeclared" + std::to_string(i), .reason = "no"});
  counters.count({.outcome = JobOutcome::failed, .job = std::string(1 << 20, 'x')});
  counters.count({.outcome = JobOutcome::failed, .job = "x\xff\xfe"});
  counters.count({.outcome = JobOutcome::failed, .job = "", .reason = "not an envelope"});
  counters.count({.outcome = JobOutcome::skipped, .job = "NotRecognisedTask"});

  const std::string text = counters.registry().expose();
  EXPECT_LT(text.size(), 4000u) << text.substr(0, 4000);
  const auto parsed = parse_prometheus_text(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->value("ebworker_jobs_total", {{"job", "EchoJob"}, {"outcome", "done"}}), 1);
  EXPECT_EQ(parsed->value("ebworker_jobs_total", {{"job", "(unknown)"}, {"outcome", "failed"}}), 2003);
  EXPECT_EQ(parsed->value("ebworker_jobs_total", {{"job", "(unknown)"}, {"outcome", "skipped"}}), 1);
  EXPECT_EQ(parsed->family("ebworker_jobs_total")->samples.size(), 2 * kJobOutcomes);
  const auto jobs = counters.by_job();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].job, "(unknown)");
  EXPECT_EQ(jobs[1].job, "EchoJob");
  EXPECT_EQ(counters.total(JobOutcome::failed), 2003u);
  for (const auto& f : counters.history().failures()) EXPECT_EQ(f.job, "(unknown)");
}

TEST(JobCounters, TheHistoryKeepsBoundedValidUtf8Texts) {
  JobCounters counters;
  counters.recognise({"FailJob"});
  const std::string huge(1 << 20, 'y');
  counters.count({.outcome = JobOutcome::failed, .job = "FailJob", .job_id = huge, .message_id = "m\xff" + huge,
                  .reason = "periodic task " + huge + " is not declared"});
  const auto failures = counters.history().failures();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].job, "FailJob");
  EXPECT_EQ(failures[0].job_id, std::string(JobHistory::kMaxIdBytes, 'y') + "\u2026");
  EXPECT_EQ(failures[0].message_id,
            "m\uFFFD" + std::string(JobHistory::kMaxIdBytes - 4, 'y') + "\u2026");
  EXPECT_EQ(failures[0].reason, "periodic task " + std::string(JobHistory::kMaxReasonBytes - 14, 'y') + "\u2026");
}

}  // namespace
}  // namespace ebworker
