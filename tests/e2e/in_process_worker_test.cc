// `ebworker serve` with EBWORKER_SQSD_QUEUE_URL: one process polls the queue and runs each
// message on its own job threads, no `ebworker sqsd` and no HTTP between them. What the daemon
// promises holds here too: jobs run and are deleted, never more in flight than job threads, a
// kill -9 loses nothing, SIGTERM stops the receives and deletes only what answered 200, the
// heartbeat keeps a long job's message hidden, Retry-After sets when a retried message comes
// back, and the cron leader's tasks run. The worker's HTTP endpoint still serves its health and
// metrics, the poller's among them: 503 "not receiving" while SQS does not answer, the deletes
// (batched, in flight while jobs run) counted.

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "e2e/support/local_stack.h"
#include "e2e/support/own_paths.h"
#include "support/chaos_proxy.h"
#include "support/prometheus_text.h"

namespace ebworker::testing {
namespace {

class InProcessWorker : public LocalStackTest {
 protected:
  // The worker's request log lines of a message: one per run of its job.
  static std::vector<std::string> runs(const WorkerProcess& worker, const std::string& message_id) {
    return lines_with(worker.log(), {"POST /", " status=", " msgid=" + message_id + " "});
  }
  // The poller's lines of a message deleted after its 200.
  static std::vector<std::string> deleted_lines(const WorkerProcess& worker, const std::string& message_id) {
    return lines_with(worker.log(), {"msgid=" + message_id, "status=200", "deleting"});
  }
};

TEST_F(InProcessWorker, RunsEachJobOnceAndDeletesItWithNoMoreInFlightThanJobThreads) {
  const std::string queue = create_queue("in-process");
  auto& worker = start_polling_worker(queue, {{"EBWORKER_JOB_THREADS", "2"}});
  const Client jobs = client(queue);
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    const auto sent = jobs.enqueue("SleepJob", "[200]");
    ASSERT_TRUE(sent) << sent.error().describe();
    ids.push_back(sent->message_id);
  }
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 30s)) << worker.log();
  for (const auto& id : ids) {
    EXPECT_EQ(runs(worker, id).size(), 1u) << id << "\n" << worker.log();
    EXPECT_EQ(deleted_lines(worker, id).size(), 1u) << id << "\n" << worker.log();
  }
  // Receives never asked for more than the free job threads: no message met a busy pool.
  EXPECT_TRUE(lines_with(worker.log(), {"status=503"}).empty()) << worker.log();

  // The HTTP endpoint still answers the worker's own paths, the poller's health and metrics among them.
  const auto answer = get_own_path(worker, "/_ebworker/health");
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, 200) << answer->body;
  EXPECT_NE(answer->body.find("\"receiving\":true"), std::string::npos) << answer->body;
  const auto text = get_own_path(worker, "/_ebworker/metrics");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_NE(text->body.find("\nebworker_sqsd_deleted_total 8\n"), std::string::npos) << text->body;
  EXPECT_NE(text->body.find("\nebworker_jobs_running "), std::string::npos) << text->body;
}

TEST_F(InProcessWorker, AJobCutOffByKillDashNineRunsAgainInTheNextWorker) {
  const std::string queue = create_queue("in-process-crash");
  // Short visibility: the killed worker's heartbeat stops, so the message is back within 3 s.
  auto& first = start_polling_worker(queue, {{"EBWORKER_SQSD_VISIBILITY_TIMEOUT", "3"}});
  const auto sent = client(queue).enqueue("SleepJob", "[1500]");
  ASSERT_TRUE(sent) << sent.error().describe();
  const std::string msgid = "msgid=" + sent->message_id;
  ASSERT_TRUE(first.wait_for_line(msgid + " job=SleepJob sleeping", 15s)) << first.log();

  first.send_signal(SIGKILL);
  const auto killed = first.wait_for_exit(5s);
  ASSERT_TRUE(killed && !killed->exited && killed->signal == SIGKILL);
  EXPECT_TRUE(runs(first, sent->message_id).empty()) << "the killed worker answered";

  auto& second = start_polling_worker(queue);
  ASSERT_TRUE(eventually([&] { return deleted_lines(second, sent->message_id).size() == 1; }, 20s))
      << "not run again; second worker's log:\n" << second.log();
  EXPECT_EQ(runs(second, sent->message_id).size(), 1u) << second.log();
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 5s));
}

TEST_F(InProcessWorker, SigtermStopsReceivingAndDeletesOnlyWhatAnswered200) {
  const std::string queue = create_queue("in-process-stop");
  auto& worker = start_polling_worker(queue, {{"EBWORKER_SQSD_VISIBILITY_TIMEOUT", "60"}});
  const Client jobs = client(queue);
  const auto quick = jobs.enqueue("EchoJob", R"(["before the stop"])");
  ASSERT_TRUE(quick) << quick.error().describe();
  ASSERT_TRUE(eventually([&] { return deleted_lines(worker, quick->message_id).size() == 1; }, 15s)) << worker.log();
  // A job still running at SIGTERM is asked to stop (SleepJob then fails): not a 200, so its
  // message is not deleted but handed back.
  const auto slow = jobs.enqueue("SleepJob", "[30000]");
  ASSERT_TRUE(slow) << slow.error().describe();
  ASSERT_TRUE(worker.wait_for_line("msgid=" + slow->message_id + " job=SleepJob sleeping", 15s)) << worker.log();

  worker.send_signal(SIGTERM);
  ASSERT_TRUE(worker.wait_for_line("refusing new jobs", 5s)) << worker.log();
  // The long polls were given up before that line, but a poll given up by its client may still
  // wait at the server for the rest of its 1 s and take a message sent at once (it would come back
  // after its visibility timeout): the message goes once that second is over.
  std::this_thread::sleep_for(1500ms);
  const auto after = jobs.enqueue("EchoJob", R"(["after the stop"])");
  ASSERT_TRUE(after) << after.error().describe();
  const auto exited = worker.wait_for_exit(15s);
  ASSERT_TRUE(exited) << "still running 15 s after SIGTERM:\n" << worker.log();
  EXPECT_TRUE(exited->success()) << exited->describe() << "\n" << worker.log();

  const auto slow_answers = runs(worker, slow->message_id);
  ASSERT_EQ(slow_answers.size(), 1u) << worker.log();
  EXPECT_EQ(slow_answers[0].find(" status=200 "), std::string::npos) << slow_answers[0];
  EXPECT_TRUE(deleted_lines(worker, slow->message_id).empty()) << worker.log();
  EXPECT_TRUE(runs(worker, after->message_id).empty()) << worker.log();

  // Both are in the queue: the one sent after SIGTERM was never received (this is its first
  // receive), the stopped one was handed back rather than left hidden for 60 s.
  const auto first_receive = receive_one(
      queue, [&](const ReceivedMessage& m) { return m.message_id == after->message_id; }, 5s);
  ASSERT_TRUE(first_receive) << "the message sent after SIGTERM is gone\n" << worker.log();
  EXPECT_EQ(first_receive->attributes.at("ApproximateReceiveCount"), "1") << "received after SIGTERM";
  const auto handed_back = receive_one(
      queue, [&](const ReceivedMessage& m) { return m.message_id == slow->message_id; }, 10s);
  ASSERT_TRUE(handed_back) << "the stopped job's message is not back\n" << worker.log();
}

TEST_F(InProcessWorker, TheHeartbeatKeepsALongJobFromRunningTwice) {
  const std::string queue = create_queue("in-process-heartbeat");
  // Visibility of 3 s and a job of 8 s: without the extensions the message would come back while
  // it runs, and this worker, with job threads free, would run it again.
  auto& worker = start_polling_worker(queue, {{"EBWORKER_SQSD_VISIBILITY_TIMEOUT", "3"}});
  const auto sent = client(queue).enqueue("SleepJob", "[8000]");
  ASSERT_TRUE(sent) << sent.error().describe();
  ASSERT_TRUE(eventually([&] { return deleted_lines(worker, sent->message_id).size() == 1; }, 30s)) << worker.log();
  EXPECT_EQ(lines_with(worker.log(), {"msgid=" + sent->message_id, "job=SleepJob sleeping"}).size(), 1u)
      << worker.log();
  EXPECT_EQ(runs(worker, sent->message_id).size(), 1u) << worker.log();
  EXPECT_TRUE(lines_with(worker.log(), {"could not extend"}).empty()) << worker.log();
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 5s));
}

TEST_F(InProcessWorker, RetryAfterSetsWhenARetriedMessageComesBack) {
  const std::string queue = create_queue("in-process-retry-after");
  // retry_in(1 s) with no EBWORKER_QUEUE_URL answers 503 with Retry-After: 1. Without the
  // header's effect the message would come back after ErrorVisibilityTimeout: 10 minutes here.
  auto& worker = start_polling_worker(queue, {{"EBWORKER_SQSD_ERROR_VISIBILITY_TIMEOUT", "600"}});
  const auto sent = client(queue).enqueue("OutcomeJob", R"(["retry", 1])");
  ASSERT_TRUE(sent) << sent.error().describe();
  ASSERT_TRUE(eventually([&] { return runs(worker, sent->message_id).size() >= 3; }, 20s)) << worker.log();
  EXPECT_GE(lines_with(worker.log(), {"msgid=" + sent->message_id, "retry in 1 s (Retry-After)"}).size(), 2u)
      << worker.log();
  EXPECT_TRUE(deleted_lines(worker, sent->message_id).empty()) << worker.log();
}

TEST_F(InProcessWorker, TheCronLeaderSendsCronYamlsTaskAndTheWorkerRunsIt) {
  const std::string queue = create_queue("in-process-cron");
  // The test knob reads cron.yaml's "*/5 * * * *" as every fifth second.
  auto& worker = start_polling_worker(queue, {{"EBWORKER_SQSD_LEADER", "true"}, {"EBWORKER_SQSD_CRON_SECONDS", "1"}});
  ASSERT_TRUE(eventually([&] { return !lines_with(worker.log(), {"task=EchoJob", "status=200", "deleting"}).empty(); },
                         20s))
      << worker.log();
  EXPECT_FALSE(lines_with(worker.log(), {"POST /periodic_tasks", "status=200"}).empty()) << worker.log();
}

TEST_F(InProcessWorker, HealthIs503NotReceivingWhileSqsDoesNotAnswer) {
  const std::string queue = create_queue("in-process-cut-off");
  // The worker reaches fauxqs through a proxy that, once told to, closes every connection unanswered.
  ChaosProxy proxy("127.0.0.1", fauxqs_.port(), {}, 1);
  auto& worker = start_polling_worker(queue, {{"AWS_ENDPOINT_URL_SQS", proxy.url()}});
  const auto health = [&] { return get_own_path(worker, "/_ebworker/health"); };
  const auto up = health();
  ASSERT_TRUE(up) << up.error().message;
  EXPECT_EQ(up->status, 200) << up->body;

  ChaosRates cut_off;
  cut_off.drop_before = 1;
  proxy.set_rates(cut_off);
  // Long polls of 1 s: no receive for 3 x 1 + 30 s is "not receiving".
  std::string body;
  ASSERT_TRUE(eventually(
      [&] {
        const auto answer = health();
        if (!answer) return false;
        body = answer->body;
        return answer->status == 503;
      },
      60s))
      << body << "\n" << worker.log();
  EXPECT_NE(body.find("\"status\":\"not receiving\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"receiving\":false"), std::string::npos) << body;
  EXPECT_FALSE(lines_with(worker.log(), {"receive from", "failed"}).empty()) << worker.log();

  // SQS answers again: the next receive makes the worker healthy.
  proxy.set_rates({});
  ASSERT_TRUE(eventually(
      [&] {
        const auto answer = health();
        if (!answer) return false;
        body = answer->body;
        return answer->status == 200;
      },
      20s))
      << body << "\n" << worker.log();
  EXPECT_NE(body.find("\"receiving\":true"), std::string::npos) << body;
}

TEST_F(InProcessWorker, DeletesGoInBatchesWhileJobsRunEachMessageDeletedOnce) {
  constexpr int kJobs = 60;
  const std::string queue = create_queue("in-process-deletes");
  std::vector<JobToEnqueue> batch;
  for (int i = 0; i < kJobs; ++i) batch.push_back({"EchoJob", "[" + std::to_string(i) + "]", {}});
  std::vector<std::string> ids;
  for (const auto& sent : client(queue).enqueue_batch(batch)) {
    ASSERT_TRUE(sent) << sent.error().describe();
    ids.push_back(sent->message_id);
  }
  // Every DeleteMessageBatch takes 300 ms and the jobs end at once: the deletes wait and go in
  // flight while the next messages' jobs run.
  ChaosRates slow_deletes;
  slow_deletes.slow = 1;
  slow_deletes.slow_only = "DeleteMessageBatch";
  slow_deletes.slow_min = slow_deletes.slow_max = 300ms;
  ChaosProxy proxy("127.0.0.1", fauxqs_.port(), slow_deletes, 1);
  auto& worker = start_polling_worker(queue, {{"AWS_ENDPOINT_URL_SQS", proxy.url()},
                                              {"EBWORKER_JOB_THREADS", "8"},
                                              {"EBWORKER_SQSD_VISIBILITY_TIMEOUT", "600"}});

  PromExposition metrics;
  std::string text;
  ASSERT_TRUE(eventually(
      [&] {
        const auto answer = get_own_path(worker, "/_ebworker/metrics");
        if (!answer || answer->status != 200) return false;
        text = answer->body;
        auto parsed = parse_prometheus_text(text);
        if (!parsed) return false;
        metrics = *parsed;
        return metrics.value("ebworker_sqsd_deleted_total") == kJobs;
      },
      60s))
      << text << "\n" << worker.log();
  EXPECT_EQ(metrics.value("ebworker_sqsd_received_total"), kJobs) << text;
  EXPECT_EQ(metrics.value("ebworker_sqsd_succeeded_total"), kJobs) << text;
  EXPECT_EQ(metrics.value("ebworker_sqsd_delete_failed_total"), 0) << text;
  EXPECT_EQ(metrics.value("ebworker_sqsd_deletes_waiting"), 0) << text;
  EXPECT_EQ(metrics.value("ebworker_sqsd_in_flight"), 0) << text;
  EXPECT_EQ(messages_in(queue), 0);
  for (const auto& id : ids) {
    EXPECT_EQ(runs(worker, id).size(), 1u) << id << "\n" << worker.log();
    EXPECT_EQ(deleted_lines(worker, id).size(), 1u) << id << "\n" << worker.log();
  }
  // Batched: fewer requests than messages, none over SQS's 10 entries.
  const auto requests = proxy.counts().by_action["DeleteMessageBatch"];
  EXPECT_LT(requests, static_cast<std::uint64_t>(kJobs)) << proxy.counts().describe();
  EXPECT_GE(requests, static_cast<std::uint64_t>(kJobs / 10)) << proxy.counts().describe();
}

}  // namespace
}  // namespace ebworker::testing
