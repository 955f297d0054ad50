// Every row of the worker's status table, over real HTTP: the status aws-sqsd acts on, and the
// one request log line that says why.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>

#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class StatusTable : public WorkerTest {};

TEST_F(StatusTable, DoneJobIs200AndRuns) {
  auto& worker = start_worker();
  const auto message = job_message("EchoJob", R"([1,"two",{"three":3}])", signer_);
  const auto r = send(worker, message);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 200, "job=EchoJob"));
  EXPECT_EQ(echo_output(), "[1,\"two\",{\"three\":3}]\n");
}

TEST_F(StatusTable, SignedBodyThatIsNotAnEnvelopeIs400) {
  auto& worker = start_worker();
  const auto message = signed_message(R"({"job_class":"EchoJob","arguments":[1]})", signer_);
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 400) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 400, "reason=body is not a valid job envelope"));
  EXPECT_EQ(echo_output(), "");
}

TEST_F(StatusTable, UnsignedMessageIs403) {
  auto& worker = start_worker();
  const auto message = unsigned_message(envelope_json("EchoJob", "[1]"));
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 403) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 403, "reason=message is not signed"));
  EXPECT_EQ(echo_output(), "");
}

TEST_F(StatusTable, WrongDigestIs403) {
  auto& worker = start_worker();
  // A well-formed digest, but of another body.
  const auto message = job_message_with_digest("EchoJob", "[1]", signer_.sign("another body"));
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 403) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 403, "reason=message-digest does not match the body"));
  EXPECT_EQ(echo_output(), "");
}

TEST_F(StatusTable, DigestMadeWithAnotherKeyIs403) {
  auto& worker = start_worker();
  const auto message = job_message("EchoJob", "[1]", make_signer(kOtherKey));
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 403) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 403, "reason=message-digest does not match the body"));
  EXPECT_EQ(echo_output(), "");
}

TEST_F(StatusTable, UnknownJobIs404) {
  auto& worker = start_worker();
  const auto message = job_message("NoSuchJob", "[]", signer_);
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 404) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 404, "reason=unknown job NoSuchJob"));
}

TEST_F(StatusTable, PeriodicTaskNotInCronYamlIs404) {
  auto& worker = start_worker();
  // Registered as a job, but not declared in this test's cron.yaml.
  const auto message = periodic_message("NightlyCleanupJob");
  const auto r = send(worker, message, "/periodic_tasks");
  EXPECT_EQ(r.status, 404) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 404,
                          "reason=periodic task NightlyCleanupJob is not declared in cron.yaml"));
}

TEST_F(StatusTable, ProcessingOffIs404) {
  auto& worker = start_worker({{"EBWORKER_PROCESS_JOBS", std::nullopt}});
  ASSERT_TRUE(worker.wait_for_line("job processing off", 1s)) << worker.log();
  const auto message = job_message("EchoJob", "[1]", signer_);
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 404) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 404, "reason=no route for POST /"));
  EXPECT_EQ(echo_output(), "");
}

TEST_F(StatusTable, BodyOverMaxBodyIs413) {
  auto& worker = start_worker({{"EBWORKER_MAX_BODY", "2000"}});
  const auto message = signed_message(std::string(3000, 'x'), signer_);
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 413) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 413, "reason=body of 3000 bytes is over EBWORKER_MAX_BODY (2000)"));
}

// Far over the limit (beyond EBWORKER_MAX_BODY plus the header allowance) pistache once answered
// 413 itself, with no log line; the request gate now answers from the Content-Length, and logs.
TEST_F(StatusTable, BodyFarOverMaxBodyIs413WithItsLogLine) {
  auto& worker = start_worker({{"EBWORKER_MAX_BODY", "2000"}});
  const auto message = signed_message(std::string(200000, 'x'), signer_);
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 413) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 413, "reason=body of 200000 bytes is over EBWORKER_MAX_BODY (2000)"));
}

TEST_F(StatusTable, FailingJobIs500) {
  // FailingJob is a fixture: the tests' app has it, the example app does not.
  auto& worker =
      start_next_worker(workers_, {.binary = EBWORKER_FIXTURE_APP, .env = worker_env(), .dir = dir_.path()});
  const auto message = job_message("FailingJob", "[]", signer_);
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 500) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 500, "reason=job failed: FailingJob always fails"));
}

TEST_F(StatusTable, FullPoolIs503AtOnce) {
  auto& worker = start_worker({{"EBWORKER_JOB_THREADS", "1"}});
  const auto slow = job_message("SleepJob", "[1500]", signer_);
  auto first = std::async(std::launch::async, [&] { return send(worker, slow); });
  ASSERT_TRUE(worker.wait_for_line("msgid=" + slow.msgid + " job=SleepJob sleeping 1500 ms", 10s))
      << worker.log();

  const auto message = job_message("EchoJob", "[2]", signer_);
  const auto r = send(worker, message);
  // Answered while the only job thread is still busy with the sleeping job.
  EXPECT_EQ(first.wait_for(0s), std::future_status::timeout);
  EXPECT_EQ(r.status, 503) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 503, "reason=all 1 job threads are busy"));

  const auto done = first.get();
  EXPECT_EQ(done.status, 200) << done.describe();
  EXPECT_TRUE(logged_once(worker, slow.msgid, 200, "job=SleepJob"));
  EXPECT_EQ(echo_output(), "");
}

// Headers anyone can write prove nothing: a loopback peer claiming to be elsewhere still runs.
TEST_F(StatusTable, ForwardingHeadersFromLoopbackChangeNothing) {
  auto& worker = start_worker();
  auto message = job_message("EchoJob", "[\"spoofed\"]", signer_);
  message.add_header("X-Forwarded-For: 8.8.8.8").add_header("X-Real-IP: 8.8.8.8");
  const auto r = send(worker, message);
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 200, "peer=127.0.0.1 "));
  EXPECT_EQ(echo_output(), "[\"spoofed\"]\n");
}

}  // namespace
}  // namespace ebworker::testing
