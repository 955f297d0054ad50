// PeriodicTasks and Dispatch: a run of a task while its previous run is still going is skipped
// (200, with the reason), unless the task's class allows overlap; what is not a task goes on down
// the chain. And Dispatch's own answer to a message that is not due yet.

#include "middleware/periodic_tasks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>

#include <ebworker/worker/stack.h>

namespace ebworker {
namespace {

constexpr std::string_view kCron =
    "version: 1\n"
    "cron:\n"
    "  - name: \"Report\"\n"
    "    url: \"/periodic_tasks\"\n"
    "    schedule: \"* * * * *\"\n"
    "  - name: \"Sweep\"\n"
    "    url: \"/periodic_tasks\"\n"
    "    schedule: \"* * * * *\"\n";

// Runs until the test releases it; counts its runs.
class HeldJob : public Job {
 public:
  HeldJob(std::atomic<int>& runs, std::shared_future<void> release) : runs_(runs), release_(std::move(release)) {}
  JobResult perform(const rapidjson::Value&, JobContext&) override {
    ++runs_;
    release_.wait();
    return done();
  }

 private:
  std::atomic<int>& runs_;
  std::shared_future<void> release_;
};

Request task(std::string name) {
  Request r;
  r.method = "POST";
  r.path = "/periodic_tasks";
  r.headers.add("X-Aws-Sqsd-Taskname", std::move(name));
  return r;
}

// PeriodicTasks in front of an end that no task may reach.
struct TaskChain {
  Stack stack;
  App end = [](Request&) { return Response::refuse(599, "went past PeriodicTasks"); };
  Response operator()(Request& request) const { return stack.call(request, end); }
};

class PeriodicTasksOverlap : public ::testing::Test {
 protected:
  void SetUp() override {
    auto factory = [this] { return std::make_unique<HeldJob>(runs, released); };
    registry.add("Report", factory);
    registry.add("Sweep", factory, {.allow_overlap = true});
  }
  std::unique_ptr<TaskChain> tasks() {
    auto chain = std::make_unique<TaskChain>();
    chain->stack.add<PeriodicTasks>(PeriodicTasks::declared_in(kCron, registry, {}).value());
    return chain;
  }
  // Starts a run of `name` and returns once it is running.
  std::future<Response> start(const TaskChain& d, const std::string& name, int running_before) {
    auto f = std::async(std::launch::async, [&d, name] {
      Request r = task(name);
      return d(r);
    });
    while (runs.load() == running_before) std::this_thread::yield();
    return f;
  }

  JobRegistry registry;
  std::atomic<int> runs{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
};

TEST_F(PeriodicTasksOverlap, ASecondRunWhileTheFirstIsGoingIsSkipped) {
  const auto chain = tasks();
  const TaskChain& d = *chain;
  auto first = start(d, "Report", 0);
  Request again = task("Report");
  const Response skipped = d(again);
  EXPECT_EQ(skipped.status, 200);
  EXPECT_EQ(skipped.reason, "skipped: the previous run of Report is still going");
  EXPECT_EQ(skipped.job, "Report");
  EXPECT_EQ(runs.load(), 1);
  release.set_value();
  EXPECT_EQ(first.get().status, 200);
  // Once it has ended, the next run runs.
  Request later = task("Report");
  EXPECT_EQ(d(later).status, 200);
  EXPECT_EQ(runs.load(), 2);
}

TEST_F(PeriodicTasksOverlap, AClassThatAllowsOverlapRunsTwiceAtOnce) {
  const auto chain = tasks();
  const TaskChain& d = *chain;
  auto first = start(d, "Sweep", 0);
  auto second = start(d, "Sweep", 1);
  EXPECT_EQ(runs.load(), 2);
  release.set_value();
  EXPECT_EQ(first.get().reason, "");
  EXPECT_EQ(second.get().reason, "");
}

// Built from cron.yaml's text: what is wrong in it is the error, as when the worker loads it.
TEST(PeriodicTasksDeclaredIn, AnUnregisteredClassOrAnExclusiveTaskWithoutItsTableIsRefused) {
  JobRegistry only_report;
  only_report.add("Report", [] { return std::unique_ptr<Job>(); });
  const auto unregistered = PeriodicTasks::declared_in(kCron, only_report, {});
  ASSERT_FALSE(unregistered);
  EXPECT_NE(unregistered.error().message.find("task \"Sweep\" is not a registered job"), std::string::npos) << unregistered.error().message;
  const auto exclusive = PeriodicTasks::declared_in(
      "version: 1\ncron:\n  - name: \"Report\"\n    url: \"/t\"\n    schedule: \"* * * * *\"\n"
      "    exclusive: true\n",
      only_report, {});
  ASSERT_FALSE(exclusive);
  EXPECT_NE(exclusive.error().message.find("EBWORKER_LOCK_TABLE"), std::string::npos) << exclusive.error().message;
}

TEST_F(PeriodicTasksOverlap, WhatIsNotATaskGoesOnDownTheChainAndAnUndeclaredTaskIs404) {
  const auto chain = tasks();
  Request message;
  message.method = "POST";
  message.path = "/periodic_tasks";
  EXPECT_EQ((*chain)(message).status, 599);
  Request undeclared = task("Unlisted");
  const Response refused = (*chain)(undeclared);
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(refused.reason, "periodic task Unlisted is not declared in cron.yaml at /periodic_tasks");
  Request elsewhere = task("Report");
  elsewhere.path = "/other";
  EXPECT_EQ((*chain)(elsewhere).status, 404);
  EXPECT_EQ(runs.load(), 0);
}

// Without the worker's own queue to send it on with, a message received before it is due goes
// back to the daemon, unrun, with Retry-After for the time left.
TEST(DispatchNotDue, WithoutHopsAMessageReceivedEarlyIsAnswered503WithRetryAfter) {
  JobRegistry registry;
  std::atomic<int> runs{0};
  std::promise<void> never;
  registry.add("Report", [&] { return std::make_unique<HeldJob>(runs, never.get_future().share()); });
  const Dispatch d(registry);
  auto e = Envelope::make("Report", "[]");
  ASSERT_TRUE(e);
  e->scheduled_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::seconds(100);
  Request r;
  r.method = "POST";
  r.path = "/";
  r.body = e->to_json();
  const Response answer = d(r);
  EXPECT_EQ(answer.status, 503);
  EXPECT_NE(answer.reason.find("not due until"), std::string::npos) << answer.reason;
  const int retry_after = std::stoi(std::string(answer.headers.get("Retry-After")));
  EXPECT_GE(retry_after, 98);
  EXPECT_LE(retry_after, 100);
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace ebworker
