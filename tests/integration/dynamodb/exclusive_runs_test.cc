// Exclusive periodic tasks against dynalite: a run takes lock#<task>, a second run anywhere
// while it is held is skipped (Dispatch answers 200 with the reason, running nothing), the lease
// is renewed while the run lasts, and handed back when it ends; a cron.yaml with an exclusive
// task and no EBWORKER_LOCK_TABLE is refused.

#include "worker/exclusive_runs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include <ebworker/worker/stack.h>

#include "cron/cron_file.h"
#include "middleware/periodic_tasks.h"
#include "support/dynalite_process.h"
#include "support/eventually.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kCron =
    "version: 1\n"
    "cron:\n"
    "  - name: \"Report\"\n"
    "    url: \"/periodic_tasks\"\n"
    "    schedule: \"* * * * *\"\n"
    "    exclusive: true\n";

class CountedJob : public Job {
 public:
  explicit CountedJob(std::atomic<int>& runs) : runs_(runs) {}
  JobResult perform(const rapidjson::Value&, JobContext&) override {
    ++runs_;
    return done();
  }

 private:
  std::atomic<int>& runs_;
};

Request task(std::string name) {
  Request r;
  r.method = "POST";
  r.path = "/periodic_tasks";
  r.headers.add("X-Aws-Sqsd-Taskname", std::move(name));
  return r;
}

class ExclusiveRunsTest : public ::testing::Test {
 protected:
  ExclusiveRunsTest() { registry_.add("Report", [this] { return std::make_unique<CountedJob>(runs_); }); }

  DynaliteProcess dynalite_;
  std::shared_ptr<const LeaseTable> table_ = dynalite_.table("locks");
  JobRegistry registry_;
  std::atomic<int> runs_{0};
};

TEST_F(ExclusiveRunsTest, ASecondRunAnywhereIsSkippedWhileTheFirstHoldsTheLease) {
  ExclusiveRuns here(table_, "instance-a");
  ExclusiveRuns there(table_, "instance-b");
  auto first = here.take("Report");
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(*first);
  auto second = there.take("Report");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(*second);
  auto same_instance = here.take("Report");
  ASSERT_TRUE(same_instance);
  EXPECT_FALSE(*same_instance) << "two runs in one instance are two holders";

  // PeriodicTasks, on the other instance, skips the run and says why.
  Stack tasks;
  tasks.add<PeriodicTasks>(periodic_tasks(CronFile::parse(kCron, "cron.yaml", registry_).value(), Dispatch(registry_),
                                          std::make_shared<ExclusiveRuns>(table_, "instance-b")));
  const App past_the_tasks = [](Request&) { return Response::refuse(599, "went past PeriodicTasks"); };
  const auto dispatch = [&](Request& request) { return tasks.call(request, past_the_tasks); };
  Request r = task("Report");
  const Response skipped = dispatch(r);
  EXPECT_EQ(skipped.status, 200);
  EXPECT_EQ(skipped.reason, "skipped: another instance's run holds its claim");
  EXPECT_EQ(runs_.load(), 0);

  first->reset();  // the run ended: its lease is handed back
  EXPECT_FALSE(*table_->read(lock_key("Report")));
  Request again = task("Report");
  EXPECT_EQ(dispatch(again).status, 200);
  EXPECT_EQ(runs_.load(), 1);
  EXPECT_FALSE(*table_->read(lock_key("Report"))) << "a finished run left its lease behind";
}

TEST_F(ExclusiveRunsTest, ALongRunKeepsRenewingItsLease) {
  ExclusiveRuns runs(table_, "instance-a", 3s);  // renewed each second
  auto held = runs.take("Report");
  ASSERT_TRUE(held && *held);
  const auto first_expiry = (*table_->read(lock_key("Report")))->expires_at;
  EXPECT_TRUE(eventually([&] { return (*table_->read(lock_key("Report")))->expires_at > first_expiry; }, 5s))
      << "the lease was not renewed";
  // Still this run's after more than a lease.
  ExclusiveRuns other(table_, "instance-b", 3s);
  EXPECT_EQ(other.take("Report").value(), nullptr);
}

TEST_F(ExclusiveRunsTest, AnExclusiveTaskWithoutALockTableIsRefused) {
  const CronFile cron = CronFile::parse(kCron, "cron.yaml", registry_).value();
  auto refused = exclusive_runs_for(cron, {{"AWS_REGION", "us-east-1"}});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("EBWORKER_LOCK_TABLE"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("Report"), std::string::npos) << refused.error().message;

  auto missing_table = exclusive_runs_for(
      cron, {{"AWS_REGION", "us-east-1"}, {"EBWORKER_LOCK_TABLE", "no-such-table"},
             {"AWS_ENDPOINT_URL_DYNAMODB", dynalite_.endpoint()}, {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
             {"AWS_SECRET_ACCESS_KEY", "secret"}});
  ASSERT_FALSE(missing_table);
  EXPECT_NE(missing_table.error().message.find("no-such-table does not exist"), std::string::npos)
      << missing_table.error().message;

  auto ready = exclusive_runs_for(
      cron, {{"AWS_REGION", "us-east-1"}, {"EBWORKER_LOCK_TABLE", "locks"},
             {"AWS_ENDPOINT_URL_DYNAMODB", dynalite_.endpoint()}, {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
             {"AWS_SECRET_ACCESS_KEY", "secret"}});
  ASSERT_TRUE(ready) << ready.error().message;
  EXPECT_TRUE(*ready);

  const CronFile plain = CronFile::parse("version: 1\ncron:\n  - name: Report\n    url: /p\n    schedule: \"* * * * *\"\n",
                                         "cron.yaml", registry_).value();
  auto none = exclusive_runs_for(plain, {});
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none) << "no exclusive task needs no table";
}

}  // namespace
}  // namespace ebworker::testing
