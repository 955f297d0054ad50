// The cron leader with a clock the test sets: tick() sends each task once per due time, once for
// a jump over several due times (the latest), nothing for times before it started, and says
// when the next one is due; and the message it sends.

#include <gtest/gtest.h>

#include <set>

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

// With an elected leader (Options): sends only while it may, claims each run first, gives a
// claim back when its send fails, and on becoming leader catches up the runs due in the window
// before it whose claims do not exist.
class ElectedScheduler : public Scheduler {
 protected:
  PeriodicScheduler make_elected(std::vector<CronTask> tasks, std::chrono::seconds catch_up) {
    PeriodicScheduler::Options options;
    options.catch_up = catch_up;
    options.may_send = [this] { return leading; };
    options.claim = [this](const CronTask& t, Time scheduled)
        -> Result<std::optional<PeriodicScheduler::RunClaim>> {
      const std::string key = t.name + "@" + iso8601_utc_seconds(scheduled);
      if (!claims.insert(key).second) return std::optional<PeriodicScheduler::RunClaim>();
      return std::optional<PeriodicScheduler::RunClaim>(PeriodicScheduler::RunClaim{[this, key]() -> Status {
        claims.erase(key);
        return {};
      }});
    };
    return PeriodicScheduler(
        std::move(tasks),
        [this](const CronTask& t, Time scheduled) -> Status {
          if (fail_sends) return fail("SQS is down");
          sent.push_back({t.name, iso8601_utc_seconds(scheduled)});
          if (lose_lease_on_send) leading = false;
          return {};
        },
        [this] { return now; }, std::move(options));
  }

  bool leading = false;
  bool lose_lease_on_send = false;
  std::set<std::string> claims;  // what a coordination table would hold
};

TEST_F(ElectedScheduler, NotLeadingSendsNothingAndKeepsTheWindowOpen) {
  now = at("2030-01-01T00:00:00Z");
  auto s = make_elected({task("EveryMinute", "* * * * *")}, std::chrono::seconds(60));
  for (const char* t : {"2030-01-01T00:01:00Z", "2030-01-01T00:02:00Z", "2030-01-01T00:03:00Z"}) {
    now = at(t);
    EXPECT_EQ(s.tick(), now + std::chrono::minutes(1));
  }
  EXPECT_TRUE(sent.empty());
  EXPECT_TRUE(claims.empty());
  // Elected at 00:03:30: the runs of the last 60 s (00:03) are sent; 00:02 is before the window.
  leading = true;
  now = at("2030-01-01T00:03:30Z");
  s.tick();
  EXPECT_EQ(sent, (std::vector<Sent>{{"EveryMinute", "2030-01-01T00:03:00Z"}}));
}

TEST_F(ElectedScheduler, ARunAnotherLeaderClaimedIsNotSentAgain) {
  now = at("2030-01-01T00:00:30Z");
  auto s = make_elected({task("EveryMinute", "* * * * *")}, std::chrono::seconds(60));
  claims.insert("EveryMinute@2030-01-01T00:01:00Z");  // the old leader sent it, then died
  leading = true;
  now = at("2030-01-01T00:02:10Z");
  s.tick();
  EXPECT_EQ(sent, (std::vector<Sent>{{"EveryMinute", "2030-01-01T00:02:00Z"}}));
}

TEST_F(ElectedScheduler, EveryRunInTheWindowIsSentOnceEachNotOnlyTheLatest) {
  // Seconds granularity (the test knob): three runs in a 6 s window are three sends.
  now = at("2030-01-01T00:00:00Z");
  CronTask every_second = task("EverySecond", "* * * * *");
  every_second.schedule = every_second.schedule.read_in_seconds();
  auto s = make_elected({every_second}, std::chrono::seconds(6));
  now = at("2030-01-01T00:00:10Z");
  s.tick();  // not leading
  claims.insert("EverySecond@2030-01-01T00:00:05Z");
  claims.insert("EverySecond@2030-01-01T00:00:06Z");
  leading = true;
  now = at("2030-01-01T00:00:12Z");
  EXPECT_EQ(s.tick(), at("2030-01-01T00:00:13Z"));
  EXPECT_EQ(sent, (std::vector<Sent>{{"EverySecond", "2030-01-01T00:00:07Z"},
                                     {"EverySecond", "2030-01-01T00:00:08Z"},
                                     {"EverySecond", "2030-01-01T00:00:09Z"},
                                     {"EverySecond", "2030-01-01T00:00:10Z"},
                                     {"EverySecond", "2030-01-01T00:00:11Z"},
                                     {"EverySecond", "2030-01-01T00:00:12Z"}}));
  s.tick();
  EXPECT_EQ(sent.size(), 6u) << "a second tick at the same time sent again";
}

TEST_F(ElectedScheduler, AFailedSendGivesItsClaimBack) {
  now = at("2030-01-01T00:00:30Z");
  auto s = make_elected({task("EveryMinute", "* * * * *")}, std::chrono::seconds(60));
  leading = true;
  fail_sends = true;
  now = at("2030-01-01T00:01:00Z");
  s.tick();
  EXPECT_TRUE(sent.empty());
  EXPECT_TRUE(claims.empty()) << "the claim of an unsent run was kept";
}

TEST_F(ElectedScheduler, ALeaseLostMidTickStopsTheRestAtOnce) {
  now = at("2030-01-01T00:00:30Z");
  auto s = make_elected({task("A", "* * * * *"), task("B", "* * * * *")}, std::chrono::seconds(0));
  leading = true;
  lose_lease_on_send = true;  // the lease runs out while A is being sent
  now = at("2030-01-01T00:01:00Z");
  s.tick();
  EXPECT_EQ(sent, (std::vector<Sent>{{"A", "2030-01-01T00:01:00Z"}}));
  EXPECT_EQ(claims.size(), 1u) << "B was claimed by a scheduler no longer leading";
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
