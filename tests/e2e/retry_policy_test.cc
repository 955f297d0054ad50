// A job class's retry policy, carried out by the worker itself through its own queue (hops), so
// it works behind aws-sqsd too: the fixture FlakyJob (3 attempts, delays from 1 s) fails until
// its attempt number reaches its argument. The daemon's ErrorVisibilityTimeout is 600 s here:
// a run within seconds of a failure is the policy's doing, not the daemon's.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/iso_time.h"
#include "e2e/support/retrying_worker.h"
#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "support/fake_http_server.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

class RetryPolicy : public LocalStackTest {
 protected:
  // The worker with its own queue (and a dead-letter queue) for its retries, on fauxqs.
  WorkerProcess& start_retrying_worker(const std::string& queue, const std::string& dead_letters,
                                       const std::string& sqs_endpoint) {
    return start_worker(retrying_worker_env(queue, dead_letters, sqs_endpoint));
  }
  std::vector<std::string> flaky_posts(WorkerProcess& worker) const {
    return lines_with(worker.log(), {"POST / status=", "job=FlakyJob"});
  }
};

// A dead-lettered message: the job's envelope after `executions`, signed, and the attributes
// saying why and after how many attempts.
void expect_dead_letter(const ReceivedMessage& dead, const std::string& job_id, std::int64_t executions,
                        const std::string& why, const std::string& attempts) {
  auto envelope = Envelope::parse(dead.body);
  ASSERT_TRUE(envelope) << dead.body;
  EXPECT_EQ(envelope->job_id, job_id);
  EXPECT_EQ(envelope->executions, executions);
  const MessageAttribute* digest = dead.attribute("message-digest");
  ASSERT_NE(digest, nullptr);
  EXPECT_TRUE(Signer::create(std::string(kE2eKey)).value().verify(dead.body, digest->value));
  const MessageAttribute* failure = dead.attribute("ebworker-failure");
  const MessageAttribute* attempt_count = dead.attribute("ebworker-attempts");
  ASSERT_NE(failure, nullptr);
  ASSERT_NE(attempt_count, nullptr);
  EXPECT_EQ(failure->value, why);
  EXPECT_EQ(attempt_count->value, attempts);
}

// Seconds since the epoch of a time written "YYYY-MM-DDTHH:MM:SS[.mmm]Z", as log lines begin.
double seconds_of(std::string_view iso) {
  const auto whole = parse_iso8601_utc(std::string(iso.substr(0, 19)) + "Z");
  EXPECT_TRUE(whole) << iso;
  if (!whole) return 0;
  const double fraction = iso.size() > 23 && iso[19] == '.' ? std::stod(std::string(iso.substr(19, 4))) : 0.0;
  return static_cast<double>(whole->time_since_epoch().count()) + fraction;
}

double clock_of(const std::string& line) { return seconds_of(line); }

double clock_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// The time written after `label` in a line ("" if it has none).
std::string time_after(const std::string& line, std::string_view label) {
  const auto at = line.find(label);
  return at == std::string::npos ? "" : line.substr(at + label.size(), 24);
}

// The N of "retrying in N s" in a request line.
int delay_in(const std::string& line) {
  const auto at = line.find("retrying in ");
  return at == std::string::npos ? -1 : std::stoi(line.substr(at + 12));
}

TEST_F(RetryPolicy, FailingTwiceThenSucceedingRunsExactlyThreeTimesWithGrowingDelays) {
  const std::string queue = create_queue("policy");
  const std::string dead_letters = create_queue("policy-dead");
  auto& worker = start_retrying_worker(queue, dead_letters, fauxqs_.endpoint());
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  ASSERT_TRUE(client(queue).enqueue("FlakyJob", "[3]"));

  ASSERT_TRUE(eventually([&] { return flaky_posts(worker).size() == 3; }, 30s)) << worker.log();
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
  const auto posts = flaky_posts(worker);
  // Attempts 1 and 2 failed, each answered 200 once its next attempt was in the queue.
  for (int i = 0; i < 2; ++i) {
    EXPECT_NE(posts[i].find("status=200"), std::string::npos) << posts[i];
    EXPECT_NE(posts[i].find("reason=job failed: not yet: attempt " + std::to_string(i + 1) + " (attempt " +
                            std::to_string(i + 1) + " of 3); retrying in"),
              std::string::npos)
        << posts[i];
  }
  EXPECT_NE(posts[2].find("status=200"), std::string::npos) << posts[2];
  EXPECT_EQ(posts[2].find("reason="), std::string::npos) << posts[2];
  // The ceilings double (1 s, then 2 s); each run came no sooner than its delay.
  const int first = delay_in(posts[0]), second = delay_in(posts[1]);
  EXPECT_EQ(first, 1) << posts[0];
  EXPECT_GE(second, first) << posts[1];
  EXPECT_LE(second, 2) << posts[1];
  EXPECT_GE(clock_of(posts[1]) - clock_of(posts[0]), first - 0.25) << posts[0] << "\n" << posts[1];
  EXPECT_GE(clock_of(posts[2]) - clock_of(posts[1]), second - 0.25) << posts[1] << "\n" << posts[2];
  EXPECT_EQ(lines_with(worker.log(), {"job=FlakyJob attempt 3"}).size(), 1u) << worker.log();
  EXPECT_EQ(messages_in(dead_letters), 0);
}

TEST_F(RetryPolicy, SpentAttemptsGoToTheDeadLetterQueueSignedAndSayingWhy) {
  const std::string queue = create_queue("spent");
  const std::string dead_letters = create_queue("spent-dead");
  auto& worker = start_retrying_worker(queue, dead_letters, fauxqs_.endpoint());
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  auto sent = client(queue).enqueue("FlakyJob", "[4]");
  ASSERT_TRUE(sent);

  const auto dead = receive_one(dead_letters, [](const ReceivedMessage&) { return true; }, 30s);
  ASSERT_TRUE(dead) << worker.log();
  // The third POST's log line follows its answer, which follows the send to the dead-letter queue.
  ASSERT_TRUE(eventually([&] { return flaky_posts(worker).size() == 3; }, 10s)) << worker.log();
  const auto posts = flaky_posts(worker);
  EXPECT_NE(posts[2].find("reason=job failed: not yet: attempt 3 (attempt 3 of 3); dead-lettered"), std::string::npos)
      << posts[2];
  // The third attempt's envelope, its signature valid, and why.
  expect_dead_letter(*dead, sent->job_id, 2, "job failed: not yet: attempt 3", "3");
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
  EXPECT_TRUE(worker.stop().success()) << worker.log();
  EXPECT_EQ(lines_with(worker.log(), {"job totals: done=0 failed=0 retried=2 discarded=0 dead_lettered=1"}).size(), 1u)
      << worker.log();
}

// The tests' app's RetriedOutcomeJob: OutcomeJob under a policy of 2 attempts, 1 s apart, that
// does not retry a failure whose reason starts with "permanent".
TEST_F(RetryPolicy, WithTwoAttemptsAJobFailingAlwaysRunsTwiceThenIsDeadLettered) {
  const std::string queue = create_queue("two");
  const std::string dead_letters = create_queue("two-dead");
  auto& worker = start_retrying_worker(queue, dead_letters, fauxqs_.endpoint());
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  auto sent = client(queue).enqueue("RetriedOutcomeJob", R"(["fail","still down"])");
  ASSERT_TRUE(sent);

  const auto dead = receive_one(dead_letters, [](const ReceivedMessage&) { return true; }, 30s);
  ASSERT_TRUE(dead) << worker.log();
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
  EXPECT_TRUE(worker.stop().success()) << worker.log();
  const auto posts = lines_with(worker.log(), {"POST / status=", "job=RetriedOutcomeJob"});
  ASSERT_EQ(posts.size(), 2u) << worker.log();
  EXPECT_NE(posts[0].find("status=200"), std::string::npos) << posts[0];
  EXPECT_NE(posts[0].find("reason=job failed: still down (attempt 1 of 2); retrying in 1 s"), std::string::npos)
      << posts[0];
  EXPECT_NE(posts[1].find("status=200"), std::string::npos) << posts[1];
  EXPECT_NE(posts[1].find("reason=job failed: still down (attempt 2 of 2); dead-lettered"), std::string::npos)
      << posts[1];
  EXPECT_EQ(lines_with(worker.log(), {"job totals: done=0 failed=0 retried=1 discarded=0 dead_lettered=1"}).size(), 1u)
      << worker.log();
  // The second attempt's envelope, saying why and after how many attempts.
  expect_dead_letter(*dead, sent->job_id, 1, "job failed: still down", "2");
}

// A failure the policy's retry_if answers false for is not retried: dead-lettered after its first run.
TEST_F(RetryPolicy, AFailureRetryIfRejectsIsDeadLetteredAtOnce) {
  const std::string queue = create_queue("rejected");
  const std::string dead_letters = create_queue("rejected-dead");
  auto& worker = start_retrying_worker(queue, dead_letters, fauxqs_.endpoint());
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  auto sent = client(queue).enqueue("RetriedOutcomeJob", R"(["fail","permanent: no such customer"])");
  ASSERT_TRUE(sent);

  const auto dead = receive_one(dead_letters, [](const ReceivedMessage&) { return true; }, 30s);
  ASSERT_TRUE(dead) << worker.log();
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
  EXPECT_TRUE(worker.stop().success()) << worker.log();
  const auto posts = lines_with(worker.log(), {"POST / status=", "job=RetriedOutcomeJob"});
  ASSERT_EQ(posts.size(), 1u) << worker.log();
  EXPECT_NE(posts[0].find("status=200"), std::string::npos) << posts[0];
  EXPECT_NE(posts[0].find("reason=job failed: permanent: no such customer (attempt 1 of 2); not retried by its "
                          "policy; dead-lettered"),
            std::string::npos)
      << posts[0];
  EXPECT_EQ(lines_with(worker.log(), {"job totals: done=0 failed=0 retried=0 discarded=0 dead_lettered=1"}).size(), 1u)
      << worker.log();
  expect_dead_letter(*dead, sent->job_id, 0, "job failed: permanent: no such customer", "1");
}

TEST_F(RetryPolicy, AHopSqsRefusesLeavesTheOriginalToComeBack) {
  const std::string queue = create_queue("refused");
  // The worker's own SQS calls go to a server that refuses them all; the daemon's to fauxqs.
  FakeHttpServer refusing([](const Request&) { return Response::refuse(500, "InternalError"); });
  auto& worker = start_retrying_worker(queue, "", refusing.url());
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  auto sent = client(queue).enqueue("FlakyJob", "[3]");
  ASSERT_TRUE(sent);

  ASSERT_TRUE(eventually([&] { return !lines_with(sqsd_log(), {sent->message_id, "status=500"}).empty(); }, 20s))
      << sqsd_log();
  const auto posts = worker.request_lines(sent->message_id);
  ASSERT_EQ(posts.size(), 1u) << worker.log();
  EXPECT_NE(posts[0].find("its next attempt could not be sent"), std::string::npos) << posts[0];
  EXPECT_GE(refusing.requests().size(), 1u);
  // The original is still in the queue, waiting out ErrorVisibilityTimeout: nothing lost.
  EXPECT_EQ(messages_in(queue), 1);
}

// A job due later than one message can be delayed (the per-hop maximum is cut to 2 s here, from
// SQS's 900 s) travels in hops: each worker that receives it early sends it on with the time
// left, unrun, and it runs once due.
class LongDelay : public RetryPolicy {};

TEST_F(LongDelay, AJobDueLaterIsSentOnUntilDueAndNotRunEarly) {
  const std::string queue = create_queue("later");
  auto& worker = start_retrying_worker(queue, "", fauxqs_.endpoint());
  start_sqsd(queue, worker.url(""));
  const auto c = client(queue, [](ClientConfig& config) { config.max_hop_delay = std::chrono::seconds(2); });
  EnqueueOptions in_seven;
  in_seven.delay_seconds = 7;
  const auto enqueued = std::chrono::system_clock::now();
  auto sent = c.enqueue("EchoJob", R"(["due later"])", in_seven);
  ASSERT_TRUE(sent) << sent.error().describe();

  ASSERT_TRUE(eventually([&] { return echo_output().find("due later") != std::string::npos; }, 30s)) << worker.log();
  const auto ran_at = std::chrono::system_clock::now();
  // The run's log line follows the job's output.
  const auto ran = [&] {
    const auto runs = lines_with(worker.log(), {"POST / status=200", "job=EchoJob"});
    return !runs.empty() && runs.back().find("not due") == std::string::npos;
  };
  ASSERT_TRUE(eventually(ran, 10s)) << worker.log();
  // 7 s in hops of at most 2 s: the first receive, 2 s after the send, is early. How many hops
  // follow depends on the daemon's pace; each says it sent the job on, toward one due time.
  const auto early = lines_with(worker.log(), {"POST / status=200", "job=EchoJob", "not due until"});
  ASSERT_GE(early.size(), 1u) << worker.log();
  const std::string due = time_after(early[0], "not due until ");
  for (const auto& line : early) {
    EXPECT_NE(line.find("sent on with a delay of"), std::string::npos) << line;
    EXPECT_EQ(time_after(line, "not due until "), due) << line;
  }
  // Due no sooner than 7 s after the enqueue (rounded up), run once, and not before it is due.
  EXPECT_GE(seconds_of(due), clock_of(enqueued) + 7) << due;
  const auto runs = lines_with(worker.log(), {"POST / status=200", "job=EchoJob"});
  EXPECT_EQ(runs.size(), early.size() + 1) << worker.log();
  EXPECT_EQ(runs.back().find("not due"), std::string::npos) << runs.back();
  EXPECT_GE(clock_of(runs.back()), seconds_of(due)) << runs.back();
  EXPECT_LT(ran_at - enqueued, 25s);
  ASSERT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
}

// retry_in longer than one hop (up to 12 h against SQS's 900 s; 5 s against 2 s here) travels the
// same way: its next attempt is sent on, unrun, until due, and runs no sooner than asked.
TEST_F(LongDelay, ARetryInLongerThanOneHopIsSentOnUntilDue) {
  const std::string queue = create_queue("retry-later");
  auto& worker = start_retrying_worker(queue, "", fauxqs_.endpoint());
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  ASSERT_TRUE(client(queue).enqueue("OutcomeJob", R"(["retry",5])"));

  const auto runs = [&] {
    return lines_with(worker.log(), {"POST / status=200", "job=OutcomeJob", "reason=retry in 5 s"});
  };
  ASSERT_TRUE(eventually([&] { return runs().size() >= 2; }, 30s)) << worker.log();
  const auto ran = runs();
  // The run that asked says when its next attempt is due: 5 s after it, counted from the present
  // rounded up (its line is written after the attempt was sent, within a second of asking).
  const std::string due = time_after(ran[0], "due at ");
  ASSERT_FALSE(due.empty()) << ran[0];
  EXPECT_GE(seconds_of(due) - clock_of(ran[0]), 5 - 1) << ran[0];
  // The attempt came back early at least once (5 s in hops of at most 2 s) and was sent on each
  // time, unrun; it ran once due, and not before.
  const auto early = lines_with(worker.log(), {"POST / status=200", "job=OutcomeJob", "not due until " + due});
  ASSERT_GE(early.size(), 1u) << worker.log();
  for (const auto& line : early) EXPECT_NE(line.find("sent on with a delay of"), std::string::npos) << line;
  EXPECT_GE(clock_of(ran[1]), seconds_of(due)) << ran[1];
}

}  // namespace
}  // namespace ebworker::testing
