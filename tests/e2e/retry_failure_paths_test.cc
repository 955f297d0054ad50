// A retry policy's failure paths (docs/guide.md, "retry policies"): whenever the worker cannot
// send what replaces a message (its dead letter, the hop of a job not yet due), it answers 500 so
// the original comes back, never 200; without a dead-letter queue a spent job is answered 500
// and the queue's redrive takes over; a FIFO queue gets no hops, with a warning, and the daemon
// retries. The worker's own SQS calls go to a server on loopback that refuses them all where a
// send must fail, the daemon's to fauxqs; the daemon's ErrorVisibilityTimeout is 1 s, so a
// message answered 500 comes back within seconds.

#include <gtest/gtest.h>

#include <string>

#include "e2e/support/local_stack.h"
#include "e2e/support/retrying_worker.h"
#include "envelope/envelope.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

class RetryFailurePaths : public LocalStackTest {
 protected:
  // The worker's POST lines for `message_id` once there are at least `n` (the message came back
  // n - 1 times); fewer on timeout.
  std::vector<std::string> posts_of(WorkerProcess& worker, const std::string& message_id, size_t n) const {
    eventually([&] { return worker.request_lines(message_id).size() >= n; }, 20s);
    return worker.request_lines(message_id);
  }
  // The SQS actions (X-Amz-Target's "AmazonSQS.X") and queue URLs the refusing server was asked for.
  static std::vector<std::string> sends_to(const FakeHttpServer& sqs, const std::string& queue_url) {
    std::vector<std::string> out;
    for (const auto& r : sqs.requests())
      if (r.headers.get("X-Amz-Target") == "AmazonSQS.SendMessage" &&
          r.body.find("\"" + queue_url + "\"") != std::string::npos)
        out.push_back(r.body);
    return out;
  }
  FakeHttpServer refusing_{[](const Request&) { return Response::refuse(500, "InternalError"); }};
};

// The tests' app's RetriedOutcomeJob does not retry a failure whose reason starts with
// "permanent": its first run is its last, and it goes to the dead-letter queue at once.
TEST_F(RetryFailurePaths, ADeadLetterSendThatFailsAnswers500AndTheOriginalComesBack) {
  const std::string queue = create_queue("dead-letter-refused");
  const std::string dead_letters = queue_url_for("dead-letter-refused-dead");
  auto& worker = start_worker(retrying_worker_env(queue, dead_letters, refusing_.url()));
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "1"});
  auto sent = client(queue).enqueue("RetriedOutcomeJob", R"(["fail","permanent: no such customer"])");
  ASSERT_TRUE(sent);

  const auto posts = posts_of(worker, sent->message_id, 2);
  ASSERT_GE(posts.size(), 2u) << "the original did not come back\n" << worker.log() << sqsd_log();
  for (const auto& post : posts) {
    EXPECT_NE(post.find("status=500"), std::string::npos) << post;
    EXPECT_NE(post.find("reason=job failed: permanent: no such customer (attempt 1 of 2); could not be "
                        "dead-lettered ("),
              std::string::npos)
        << post;
    EXPECT_NE(post.find("): the message comes back as it is"), std::string::npos) << post;
  }
  // Each run asked for the dead letter (one SQS attempt each), and the daemon kept the original.
  EXPECT_GE(sends_to(refusing_, dead_letters).size(), 2u);
  EXPECT_EQ(messages_in(queue), 1);
  EXPECT_TRUE(worker.stop().success()) << worker.log();
  EXPECT_EQ(lines_with(worker.log(), {"dead_lettered=0"}).size(), 1u) << worker.log();
}

// Without EBWORKER_DEAD_LETTER_QUEUE_URL a job whose attempts are over is answered 500, with
// nothing sent anywhere, and the queue's own redrive policy (maxReceiveCount 2 here) moves it to
// the queue's dead-letter queue, unchanged.
TEST_F(RetryFailurePaths, WithoutADeadLetterQueueASpentJobIsAnswered500AndTheRedriveTakesOver) {
  const std::string redrive_target = create_queue("no-dlq-redrive");
  const auto arn = fauxqs_.sqs().get_queue_attributes(redrive_target, {"QueueArn"});
  ASSERT_TRUE(arn && arn->count("QueueArn")) << (arn ? "no QueueArn" : arn.error().describe());
  const std::string queue = create_queue(
      "no-dlq", {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn->at("QueueArn") + "\",\"maxReceiveCount\":\"2\"}"}});
  auto& worker = start_worker(retrying_worker_env(queue, "", refusing_.url()));
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "1"});
  auto sent = client(queue).enqueue("RetriedOutcomeJob", R"(["fail","permanent: no such customer"])");
  ASSERT_TRUE(sent);

  const auto redriven = receive_one(redrive_target, [](const ReceivedMessage&) { return true; }, 30s);
  ASSERT_TRUE(redriven) << worker.log() << sqsd_log();
  EXPECT_EQ(redriven->message_id, sent->message_id);
  auto envelope = Envelope::parse(redriven->body);
  ASSERT_TRUE(envelope) << redriven->body;
  EXPECT_EQ(envelope->job_id, sent->job_id);
  EXPECT_EQ(envelope->executions, 0);  // the original, not a copy the worker made
  const auto posts = worker.request_lines(sent->message_id);
  ASSERT_EQ(posts.size(), 2u) << worker.log();  // maxReceiveCount receives, then the redrive
  for (const auto& post : posts) {
    EXPECT_NE(post.find("status=500"), std::string::npos) << post;
    EXPECT_NE(post.find("reason=job failed: permanent: no such customer (attempt 1 of 2); not retried by its "
                        "policy, and no EBWORKER_DEAD_LETTER_QUEUE_URL: left to the queue's redrive"),
              std::string::npos)
        << post;
  }
  EXPECT_TRUE(refusing_.requests().empty()) << "the worker sent something: " << refusing_.requests().front().body;
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
}

// A job not yet due (7 s, in hops of at most 2 s) that the worker receives early and cannot send
// on: 500, not run, and it comes back.
TEST_F(RetryFailurePaths, ANotDueJobThatCannotBeSentOnAnswers500AndComesBack) {
  const std::string queue = create_queue("not-due-refused");
  auto& worker = start_worker(retrying_worker_env(queue, "", refusing_.url()));
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "1"});
  const auto c = client(queue, [](ClientConfig& config) { config.max_hop_delay = std::chrono::seconds(2); });
  EnqueueOptions in_twenty;
  in_twenty.delay_seconds = 20;
  auto sent = c.enqueue("EchoJob", R"(["due later"])", in_twenty);
  ASSERT_TRUE(sent) << sent.error().describe();

  const auto posts = posts_of(worker, sent->message_id, 2);
  ASSERT_GE(posts.size(), 2u) << "the original did not come back\n" << worker.log() << sqsd_log();
  for (const auto& post : posts) {
    EXPECT_NE(post.find("status=500"), std::string::npos) << post;
    EXPECT_NE(post.find("reason=not due until "), std::string::npos) << post;
    EXPECT_NE(post.find("; could not be sent on ("), std::string::npos) << post;
    EXPECT_NE(post.find("): the message comes back as it is"), std::string::npos) << post;
  }
  EXPECT_GE(sends_to(refusing_, queue).size(), 2u);
  EXPECT_EQ(echo_output().find("due later"), std::string::npos) << "run before it was due";
  EXPECT_EQ(messages_in(queue), 1);
}

// A FIFO queue cannot delay one message: the worker says so at start and sends no hops; a failed
// attempt is answered 500 with the job's own reason, and the daemon's retry brings it back.
TEST_F(RetryFailurePaths, WithAFifoQueueTheWorkerWarnsAndTheDaemonRetries) {
  const std::string queue =
      create_queue("policy.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}});
  auto& worker = start_worker(retrying_worker_env(queue, "", fauxqs_.endpoint()));
  EXPECT_EQ(lines_with(worker.log(), {"EBWORKER_QUEUE_URL is a FIFO queue", "left to the daemon"}).size(), 1u)
      << worker.log();
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "1"});
  auto sent = client(queue).enqueue("FlakyJob", "[3]");
  ASSERT_TRUE(sent) << sent.error().describe();

  const auto posts = posts_of(worker, sent->message_id, 2);
  ASSERT_GE(posts.size(), 2u) << "the daemon did not retry\n" << worker.log() << sqsd_log();
  for (const auto& post : posts) {
    EXPECT_NE(post.find("status=500"), std::string::npos) << post;
    // Every run is attempt 1 (no hop counted it up) and says nothing of a policy's retry.
    EXPECT_NE(post.find("reason=job failed: not yet: attempt 1"), std::string::npos) << post;
    EXPECT_EQ(post.find("(attempt 1 of 3)"), std::string::npos) << post;
    EXPECT_EQ(post.find("next attempt"), std::string::npos) << post;
  }
  EXPECT_EQ(messages_in(queue), 1);
}

}  // namespace
}  // namespace ebworker::testing
