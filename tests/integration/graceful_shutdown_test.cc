// SIGTERM: running jobs finish and get their 200; from "refusing new jobs" on, every new request
// is answered 503 "shutting down" (the listener stays open while jobs drain: a connection is
// never refused, on a new connection or on one kept alive); the process exits 0 once they are
// done. Jobs still running at EBWORKER_SHUTDOWN_TIMEOUT are cut off with no answer at all, so
// the daemon retries them.
//
// The running job is the test app's GateJob, which runs until the test opens its gate: the
// drain window lasts exactly as long as the test needs it.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <future>

#include "support/test_app.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class GracefulShutdown : public TestAppTest {};

TEST_F(GracefulShutdown, RunningJobFinishesNewRequestsGet503ExitZero) {
  auto& worker = start_test_app();
  // A connection the daemon already holds, kept alive across the signal.
  HttpClient kept;
  const auto before = job_message("EchoJob", R"(["before"])", signer_);
  const auto first = post(kept, worker.url(), before.body, before.headers, 5s);
  ASSERT_EQ(first.status, 200) << first.describe();

  const auto g = gate("drain");
  const auto running_job = job_message("GateJob", g.arguments(), signer_);
  auto running = std::async(std::launch::async, [&] { return send(worker, running_job); });
  ASSERT_TRUE(worker.wait_for_line(waiting_line(running_job, g), 10s)) << worker.log();

  worker.send_signal(SIGTERM);
  ASSERT_TRUE(worker.wait_for_line("refusing new jobs", 5s)) << worker.log();

  // A new connection: accepted, and answered 503.
  const auto late = job_message("EchoJob", R"(["late"])", signer_);
  HttpClient fresh;
  const auto refused = post(fresh, worker.url(), late.body, late.headers, 5s);
  ASSERT_TRUE(refused.ok()) << "the worker is draining, yet the request got no answer: " << refused.describe();
  EXPECT_EQ(refused.status, 503) << refused.describe();
  EXPECT_EQ(refused.body, "shutting down\n") << refused.describe();
  EXPECT_TRUE(logged_once(worker, late.msgid, 503, "reason=shutting down"));

  // The kept-alive connection: answered 503 on it.
  const auto later = job_message("EchoJob", R"(["later"])", signer_);
  const auto on_kept = post(kept, worker.url(), later.body, later.headers, 5s);
  ASSERT_TRUE(on_kept.ok()) << on_kept.describe();
  EXPECT_EQ(on_kept.status, 503) << on_kept.describe();
  EXPECT_EQ(on_kept.new_connections, 0) << "the kept-alive connection was not used";
  EXPECT_TRUE(logged_once(worker, later.msgid, 503, "reason=shutting down"));

  // A periodic task too: nothing new starts.
  const auto task = periodic_message("EchoJob");
  const auto task_refused = send(worker, task, "/periodic_tasks");
  ASSERT_TRUE(task_refused.ok()) << task_refused.describe();
  EXPECT_EQ(task_refused.status, 503) << task_refused.describe();

  EXPECT_EQ(running.wait_for(0s), std::future_status::timeout) << "the job finished before its release";
  EXPECT_TRUE(worker.running()) << "exited with a job still running";

  g.open();
  const auto finished = running.get();
  EXPECT_EQ(finished.status, 200) << finished.describe();
  EXPECT_TRUE(logged_once(worker, running_job.msgid, 200, "job=GateJob"));

  const auto status = worker.wait_for_exit(10s);
  ASSERT_TRUE(status) << "still running 10 s after its last job finished; log:\n" << worker.log();
  EXPECT_TRUE(status->success()) << status->describe() << "\n" << worker.log();
  EXPECT_TRUE(worker.wait_for_line("stopped", 0s)) << worker.log();
  // Only the job sent before the signal ran EchoJob.
  EXPECT_NE(echo_output().find("[\"before\"]"), std::string::npos) << echo_output();
  EXPECT_EQ(echo_output().find("late"), std::string::npos) << echo_output();
  EXPECT_EQ(echo_output().find("[]"), std::string::npos) << "the periodic task ran: " << echo_output();
}

TEST_F(GracefulShutdown, JobPastTheTimeoutGetsNoAnswerAndExitIsNonZero) {
  auto& worker = start_test_app({{"EBWORKER_SHUTDOWN_TIMEOUT", "1"}});
  auto g = gate("never");  // never opened
  g.limit = 20s;
  const auto stuck = job_message("GateJob", g.arguments(), signer_);
  auto running = std::async(std::launch::async, [&] {
    HttpClient client;
    return post(client, worker.url(), stuck.body, stuck.headers, 15s);
  });
  ASSERT_TRUE(worker.wait_for_line(waiting_line(stuck, g), 10s)) << worker.log();

  const auto signalled = Clock::now();
  worker.send_signal(SIGTERM);
  const auto status = worker.wait_for_exit(8s);
  ASSERT_TRUE(status) << "still running 8 s after SIGTERM with EBWORKER_SHUTDOWN_TIMEOUT=1; log:\n" << worker.log();
  EXPECT_LT(Clock::now() - signalled, 8s);
  EXPECT_TRUE(status->exited && status->code == 1) << status->describe();

  const auto cut = running.get();
  EXPECT_FALSE(cut.ok() && cut.status != 0) << "a cut-off job got an answer: " << cut.describe();
  EXPECT_NE(cut.status, 200) << cut.describe();
  EXPECT_TRUE(worker.wait_for_line("shutdown timeout", 0s)) << worker.log();
  EXPECT_TRUE(worker.request_lines(stuck.msgid).empty()) << worker.log();
}

// A job that watches its stop token (the example app's SleepJob) ends at SIGTERM: it gets no 200,
// so its message comes back, and the worker exits 0 without waiting out the shutdown timeout.
TEST_F(GracefulShutdown, AJobWatchingItsStopTokenEndsAtSigtermWithoutA200) {
  auto& worker = start_worker({{"EBWORKER_SHUTDOWN_TIMEOUT", "60"}});
  const auto slow = job_message("SleepJob", "[120000]", signer_);
  auto running = std::async(std::launch::async, [&] {
    HttpClient client;
    return post(client, worker.url(), slow.body, slow.headers, 60s);
  });
  ASSERT_TRUE(worker.wait_for_line("sleeping 120000 ms", 10s)) << worker.log();

  worker.send_signal(SIGTERM);
  const auto answer = running.get();
  ASSERT_TRUE(answer.ok()) << answer.describe();
  EXPECT_EQ(answer.status, 500) << answer.describe();
  EXPECT_TRUE(logged_once(worker, slow.msgid, 500, "reason=stopped for shutdown: job failed: asked to stop after"));
  const auto status = worker.wait_for_exit(20s);
  ASSERT_TRUE(status) << "still running 20 s after SIGTERM, with its only job stopped; log:\n" << worker.log();
  EXPECT_TRUE(status->success()) << status->describe() << "\n" << worker.log();
}

}  // namespace
}  // namespace ebworker::testing
