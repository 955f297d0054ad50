// cron.yaml `exclusive: true` in running workers (the test app, with dynalite as DynamoDB): one
// task posted to two workers at once runs on one of them, the other answers 200 "skipped" while
// the first run holds the lease; with DynamoDB gone the task is answered 503 (the daemon sends
// it again), not run unlocked; and a worker whose lock table is missing, unreachable or not named
// does not start.

#include <gtest/gtest.h>

#include <future>

#include "support/closed_port.h"
#include "support/dynalite_process.h"
#include "support/test_app.h"

namespace ebworker::testing {
namespace {

constexpr std::string_view kExclusiveCron =
    "version: 1\n"
    "cron:\n"
    "  - name: \"GatedTask\"\n"
    "    url: \"/periodic_tasks\"\n"
    "    schedule: \"* * * * *\"\n"
    "    exclusive: true\n";

constexpr std::string_view kSkipped = "skipped: another instance's run holds its claim";

class ExclusiveTask : public TestAppTest {
 protected:
  ExclusiveTask() { write_cron(kExclusiveCron); }

  // The worker environment for a lock table `table` at `endpoint`, the task's gate in dir_.
  EnvChanges lock_env(const std::string& endpoint, const std::string& table = "locks") const {
    return {{"EBWORKER_LOCK_TABLE", table},
            {"AWS_ENDPOINT_URL_DYNAMODB", endpoint},
            {"AWS_REGION", "us-east-1"},
            {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
            {"AWS_SECRET_ACCESS_KEY", "secret"},
            {"GATED_TASK_GATE", gate_.path.string()}};
  }

  // The runs that ended, by GatedTask's lines in ECHO_JOB_OUT (the Marker middleware writes there too).
  int runs() const {
    const std::string out = echo_output();
    int n = 0;
    for (auto at = out.find("GatedTask ran\n"); at != std::string::npos; at = out.find("GatedTask ran\n", at + 1)) ++n;
    return n;
  }

  DynaliteProcess dynalite_;
  std::shared_ptr<const LeaseTable> table_ = dynalite_.table("locks");
  Gate gate_ = gate("task");
};

TEST_F(ExclusiveTask, PostedToTwoWorkersAtOnceItRunsOnOne) {
  auto& a = start_test_app(lock_env(dynalite_.endpoint()));
  auto& b = start_test_app(lock_env(dynalite_.endpoint()));
  for (auto* w : {&a, &b})
    ASSERT_TRUE(w->wait_for_line("exclusive periodic tasks lock their runs in DynamoDB table locks", 1s)) << w->log();

  // Both posts go out together; the run that takes the lease waits at the gate.
  const SqsdMessage to_a = periodic_message("GatedTask"), to_b = periodic_message("GatedTask");
  // Longer than the wait for a skip below, so that a post still running then is not mistaken for one.
  const auto post_task = [](const WorkerProcess& w, const SqsdMessage& m) {
    HttpClient client;
    return post(client, w.url("/periodic_tasks"), m.body, m.headers, 30s);
  };
  auto answer_a = std::async(std::launch::async, [&] { return post_task(a, to_a); });
  auto answer_b = std::async(std::launch::async, [&] { return post_task(b, to_b); });
  struct OpenAtEnd {
    const Gate& gate;
    ~OpenAtEnd() { gate.open(); }
  } open_at_end{gate_};

  // One of them answers at once, skipped, while the other's run is still waiting.
  const auto ready = [](std::future<HttpResult>& f) { return f.wait_for(10ms) == std::future_status::ready; };
  bool skipped_a = false, skipped_b = false;
  for (const auto deadline = std::chrono::steady_clock::now() + 10s;
       !skipped_a && !skipped_b && std::chrono::steady_clock::now() < deadline;) {
    skipped_a = ready(answer_a);
    skipped_b = !skipped_a && ready(answer_b);
  }
  ASSERT_TRUE(skipped_a || skipped_b) << "neither post was skipped: both runs hold the task at once\n--- a:\n"
                                      << a.log() << "\n--- b:\n" << b.log();
  WorkerProcess& skipper = skipped_a ? a : b;
  WorkerProcess& runner = skipped_a ? b : a;
  const SqsdMessage& skipped_message = skipped_a ? to_a : to_b;
  const SqsdMessage& run_message = skipped_a ? to_b : to_a;
  const HttpResult skipped = (skipped_a ? answer_a : answer_b).get();
  EXPECT_EQ(skipped.status, 200) << skipped.describe();
  EXPECT_EQ(skipped.body, "skipped\n");
  EXPECT_TRUE(logged_once(skipper, skipped_message.msgid, 200, kSkipped));
  EXPECT_TRUE(runner.wait_for_line("msgid=" + run_message.msgid + " job=GatedTask task waiting for", 5s))
      << runner.log();
  auto lease = table_->read(lock_key("GatedTask"));
  ASSERT_TRUE(lease && *lease) << "no lease held while the task runs";

  gate_.open();
  const HttpResult ran = (skipped_a ? answer_b : answer_a).get();
  EXPECT_EQ(ran.status, 200) << ran.describe();
  EXPECT_TRUE(logged_once(runner, run_message.msgid, 200));
  EXPECT_EQ(runs(), 1) << "the task ran other than once";
  EXPECT_EQ(skipper.log().find("task waiting for"), std::string::npos) << "the skipped worker ran the task too";
  auto after = table_->read(lock_key("GatedTask"));
  ASSERT_TRUE(after) << after.error().describe();
  EXPECT_FALSE(*after) << "the finished run left its lease behind";

  // Free again: the next run, on the worker that skipped, takes it.
  gate_.open();
  const SqsdMessage next = periodic_message("GatedTask");
  EXPECT_EQ(send(skipper, next, "/periodic_tasks").status, 200);
  EXPECT_TRUE(logged_once(skipper, next.msgid, 200));
  EXPECT_EQ(runs(), 2);
}

TEST_F(ExclusiveTask, WithDynamoDbGoneTheTaskIsAnswered503NotRun) {
  auto& worker = start_test_app(lock_env(dynalite_.endpoint()));
  gate_.open();  // a run that did start would end at once: its line would show
  dynalite_.kill();
  const SqsdMessage message = periodic_message("GatedTask");
  const HttpResult r = send(worker, message, "/periodic_tasks");
  EXPECT_EQ(r.status, 503) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 503, "could not take the lease of exclusive task GatedTask"));
  EXPECT_EQ(worker.log().find("task waiting for"), std::string::npos) << "ran without its lease";
  EXPECT_EQ(runs(), 0);
}

TEST_F(ExclusiveTask, AWorkerWithoutAUsableLockTableDoesNotStart) {
  EnvChanges unnamed = lock_env(dynalite_.endpoint());
  unnamed["EBWORKER_LOCK_TABLE"] = std::nullopt;
  expect_startup_error(serve_to_exit(unnamed, EBWORKER_TEST_APP),
                       "cron.yaml task GatedTask is exclusive: $EBWORKER_LOCK_TABLE must name");
  expect_startup_error(serve_to_exit(lock_env(dynalite_.endpoint(), "no-such-table"), EBWORKER_TEST_APP),
                       "EBWORKER_LOCK_TABLE: DynamoDB table no-such-table does not exist");
  const std::string nowhere = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
  expect_startup_error(serve_to_exit(lock_env(nowhere), EBWORKER_TEST_APP),
                       "EBWORKER_LOCK_TABLE: cannot use DynamoDB table locks");
}

}  // namespace
}  // namespace ebworker::testing
