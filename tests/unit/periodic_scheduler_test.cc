// The cron leader with a clock the test sets: tick() sends each task once per due time, once for
// a jump over several due times (the latest), nothing for times before it started, and says
// when the next one is due; and the message it sends.

#include <gtest/gtest.h>

#include "core/iso_time.h"
#include "sqsd/periodic_scheduler.h"

namespace ebworker {
namespace {

using Time = PeriodicScheduler::Time;

Time at(std::string_view iso) {
  auto t = parse_iso8601_utc(iso);
  if (!t) throw std::runtime_error("bad time " + std::string(iso));
  return *t;
}

CronTask task(std::string name, std::string_view schedule) {
  auto parsed = CronSchedule::parse(schedule);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  return CronTask{std::move(name), "/periodic_tasks", *parsed, 1};
}

struct Sent {
  std::string task;
  std::string scheduled;
  bool operator==(const Sent&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Sent& s) { return out << s.task << "@" << s.scheduled; }

class Scheduler : public ::testing::Test {
 protected:
  PeriodicScheduler make(std::vector<CronTask> tasks) {
    return PeriodicScheduler(
        std::move(tasks),
        [this](const CronTask& t, Time scheduled) -> Status {
          sent.push_back({t.name, iso8601_utc_seconds(scheduled)});
          return fail_sends ? fail("SQS is down") : Status{};
        },
        [this] { return now; });
  }

  Time now = at("2030-01-01T00:00:30Z");
  std::vector<Sent> sent;
  bool fail_sends = false;
};

TEST_F(Scheduler, NothingBeforeTheFirstDueTime) {
  auto s = make({task("Every5", "*/5 * * * *")});
  EXPECT_EQ(s.tick(), at("2030-01-01T00:05:00Z"));
  now = at("2030-01-01T00:04:59Z");
  EXPECT_EQ(s.tick(), at("2030-01-01T00:05:00Z"));
  EXPECT_TRUE(sent.empty());
}

TEST_F(Scheduler, OncePerDueTime) {
  auto s = make({task("Every5", "*/5 * * * *")});
  now = at("2030-01-01T00:05:00Z");
  EXPECT_EQ(s.tick(), at("2030-01-01T00:10:00Z"));
  EXPECT_EQ(s.tick(), at("2030-01-01T00:10:00Z"));  // same instant again: not sent twice
  now = at("2030-01-01T00:07:00Z");
  s.tick();
  now = at("2030-01-01T00:10:01Z");
  s.tick();
  EXPECT_EQ(sent, (std::vector<Sent>{{"Every5", "2030-01-01T00:05:00Z"}, {"Every5", "2030-01-01T00:10:00Z"}}));
}

TEST_F(Scheduler, AJumpOverSeveralDueTimesSendsOnceForTheLatest) {
  auto s = make({task("Every5", "*/5 * * * *")});
  now = at("2030-01-01T01:02:00Z");
  EXPECT_EQ(s.tick(), at("2030-01-01T01:05:00Z"));
  EXPECT_EQ(sent, (std::vector<Sent>{{"Every5", "2030-01-01T01:00:00Z"}}));
}

TEST_F(Scheduler, TimesBeforeTheStartAreNotReplayed) {
  now = at("2030-01-01T03:00:01Z");  // the 03:00 run was due one second before it started
  auto s = make({task("Nightly", "0 3 * * *")});
  EXPECT_EQ(s.tick(), at("2030-01-02T03:00:00Z"));
  EXPECT_TRUE(sent.empty());
}

TEST_F(Scheduler, EachTaskOnItsOwnSchedule) {
  auto s = make({task("Hourly", "@hourly"), task("Every5", "*/5 * * * *"), task("Yearly", "@yearly")});
  now = at("2030-01-01T01:00:00Z");
  EXPECT_EQ(s.tick(), at("2030-01-01T01:05:00Z"));
  EXPECT_EQ(sent, (std::vector<Sent>{{"Hourly", "2030-01-01T01:00:00Z"}, {"Every5", "2030-01-01T01:00:00Z"}}));
}

TEST_F(Scheduler, ABackwardClockSendsNothingAgain) {
  auto s = make({task("Every5", "*/5 * * * *")});
  now = at("2030-01-01T00:05:00Z");
  s.tick();
  now = at("2030-01-01T00:01:00Z");
  s.tick();
  now = at("2030-01-01T00:05:00Z");
  s.tick();
  EXPECT_EQ(sent, (std::vector<Sent>{{"Every5", "2030-01-01T00:05:00Z"}}));
}

TEST_F(Scheduler, NoTasksNothingDue) {
  auto s = make({});
  EXPECT_EQ(s.tick(), std::nullopt);
}

// A send that throws is that task's failure only: the other tasks are still sent, and the
// scheduler goes on to the next due time (a throw once ended the scheduler's thread).
TEST(SchedulerFailures, ASendThatThrowsDoesNotStopTheOthers) {
  Time now = at("2030-01-01T00:00:30Z");
  std::vector<std::string> sent;
  PeriodicScheduler scheduler(
      {task("Bad", "* * * * *"), task("Good", "* * * * *")},
      [&](const CronTask& t, Time) -> Status {
        if (t.name == "Bad") throw std::runtime_error("boom");
        sent.push_back(t.name);
        return {};
      },
      [&] { return now; });
  now = at("2030-01-01T00:01:00Z");
  const auto next = scheduler.tick();
  EXPECT_EQ(sent, (std::vector<std::string>{"Good"}));
  ASSERT_TRUE(next);
  EXPECT_EQ(iso8601_utc_seconds(*next), "2030-01-01T00:02:00Z");
}

TEST(ScheduledJobMessage, AsTheLeaderSendsIt) {
  auto schedule = CronSchedule::parse("0 3 * * *");
  ASSERT_TRUE(schedule);
  const CronTask task{"NightlyCleanupJob", "/periodic_tasks", *schedule, 4};
  const auto m = scheduled_job_message(task, at("2017-03-22T23:10:00Z"));
  EXPECT_EQ(m.body, "elasticbeanstalk scheduled job");
  ASSERT_EQ(m.attributes.size(), 3u);
  auto value = [&](std::string_view name) -> std::string {
    for (const auto& a : m.attributes)
      if (a.name == name) return a.data_type + ":" + a.value;
    return "(absent)";
  };
  EXPECT_EQ(value("beanstalk.sqsd.path"), "String:/periodic_tasks");
  EXPECT_EQ(value("beanstalk.sqsd.task_name"), "String:NightlyCleanupJob");
  EXPECT_EQ(value("beanstalk.sqsd.scheduled_time"), "String:2017-03-22 23:10:00 UTC");
  EXPECT_FALSE(m.delay_seconds);
}

}  // namespace
}  // namespace ebworker
