// SIGTERM: running jobs finish and get their 200, new ones are refused, the process exits 0;
// jobs still running at EBWORKER_SHUTDOWN_TIMEOUT are cut off with no answer at all, so the
// daemon retries them.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <future>

#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class GracefulShutdown : public WorkerTest {};

TEST_F(GracefulShutdown, RunningJobFinishesNewOnesAreRefusedExitZero) {
  auto& worker = start_worker();
  const auto slow = job_message("SleepJob", "[1500]", signer_);
  auto running = std::async(std::launch::async, [&] { return send(worker, slow); });
  ASSERT_TRUE(worker.wait_for_line("msgid=" + slow.msgid + " job=SleepJob sleeping 1500 ms", 10s))
      << worker.log();

  worker.send_signal(SIGTERM);
  ASSERT_TRUE(worker.wait_for_line("refusing new jobs", 5s)) << worker.log();

  const auto late = job_message("EchoJob", "[\"late\"]", signer_);
  HttpClient client;
  const auto refused = client.post(worker.url(), late.body, late.headers, 5s);
  if (refused.ok()) {
    EXPECT_EQ(refused.status, 503) << refused.describe();
    EXPECT_TRUE(logged_once(worker, late.msgid, 503, "reason=shutting down"));
  } else {
    // The listener may already be closed: a refused connection is as good as a 503.
    constexpr int kCouldNotConnect = 7;  // CURLE_COULDNT_CONNECT
    EXPECT_EQ(refused.curl_code, kCouldNotConnect) << refused.describe();
  }
  EXPECT_EQ(running.wait_for(0s), std::future_status::timeout) << "the job finished before the late request";

  const auto finished = running.get();
  EXPECT_EQ(finished.status, 200) << finished.describe();
  EXPECT_TRUE(logged_once(worker, slow.msgid, 200, "job=SleepJob"));

  const auto status = worker.wait_for_exit(10s);
  ASSERT_TRUE(status) << "still running 10 s after its last job finished; log:\n" << worker.log();
  EXPECT_TRUE(status->success()) << status->describe() << "\n" << worker.log();
  EXPECT_TRUE(worker.wait_for_line("stopped", 0s)) << worker.log();
  EXPECT_EQ(echo_output(), "");
}

TEST_F(GracefulShutdown, JobPastTheTimeoutGetsNoAnswerAndExitIsNonZero) {
  auto& worker = start_worker({{"EBWORKER_SHUTDOWN_TIMEOUT", "1"}});
  const auto slow = job_message("SleepJob", "[20000]", signer_);
  auto running = std::async(std::launch::async, [&] {
    HttpClient client;
    return client.post(worker.url(), slow.body, slow.headers, 15s);
  });
  ASSERT_TRUE(worker.wait_for_line("msgid=" + slow.msgid + " job=SleepJob sleeping 20000 ms", 10s))
      << worker.log();

  const auto signalled = Clock::now();
  worker.send_signal(SIGTERM);
  const auto status = worker.wait_for_exit(8s);
  ASSERT_TRUE(status) << "still running 8 s after SIGTERM with EBWORKER_SHUTDOWN_TIMEOUT=1; log:\n" << worker.log();
  EXPECT_LT(Clock::now() - signalled, 8s);
  EXPECT_FALSE(status->success()) << status->describe();

  const auto cut = running.get();
  EXPECT_FALSE(cut.ok() && cut.status == 200) << cut.describe();
  EXPECT_NE(cut.status, 200) << cut.describe();
  EXPECT_TRUE(worker.wait_for_line("shutdown timeout", 0s)) << worker.log();
  EXPECT_TRUE(worker.request_lines(slow.msgid).empty()) << worker.log();
}

}  // namespace
}  // namespace ebworker::testing
