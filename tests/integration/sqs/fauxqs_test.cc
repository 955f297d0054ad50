// The real protocol against fauxqs, the local SQS, started for each test on 127.0.0.1.
// Waiting for messages is ReceiveMessage long polling in loops bounded in count and time.

#include <gtest/gtest.h>

#include <set>

#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "fake_sqs.h"
#include "support/fauxqs_process.h"

namespace ebworker {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

class Fauxqs : public ::testing::Test {
 protected:
  testing::FauxqsProcess fauxqs;

  Client client_for(const std::string& queue_url) {
    ClientConfig c;
    c.queue_url = queue_url;
    c.secret = testing::kTestSecret;
    c.endpoint = {fauxqs.endpoint(), ""};  // the region comes from the queue URL's host
    c.credentials = testing::test_credentials();
    c.retry.max_attempts = 2;
    auto client = Client::create(c);
    if (!client) throw std::runtime_error(client.error().message);
    return std::move(client).value();
  }

  // Receives until `n` distinct messages arrived: at most 15 long polls of 1 s, and 15 s.
  std::vector<ReceivedMessage> receive(const std::string& queue_url, std::size_t n) {
    std::vector<ReceivedMessage> got;
    std::set<std::string> seen;
    const auto deadline = steady_clock::now() + seconds(15);
    for (int poll = 0; poll < 15 && got.size() < n && steady_clock::now() < deadline; ++poll) {
      auto batch = fauxqs.sqs().receive_messages(queue_url, {.max_messages = 10, .wait_seconds = 1,
                                                             .visibility_timeout = 60});
      if (!batch) {
        ADD_FAILURE() << batch.error().describe();
        break;
      }
      for (auto& m : *batch)
        if (seen.insert(m.message_id).second) got.push_back(std::move(m));
    }
    return got;
  }
};

TEST_F(Fauxqs, SendThenReceiveASignedEnvelope) {
  const std::string queue = fauxqs.create_queue("jobs");
  auto sent = client_for(queue).enqueue("EchoJob", R"(["hello", 42, {"caf\u00e9": true}])");
  ASSERT_TRUE(sent) << sent.error().describe();

  const auto got = receive(queue, 1);
  ASSERT_EQ(got.size(), 1u);
  const ReceivedMessage& m = got[0];
  EXPECT_EQ(m.message_id, sent->message_id);

  auto envelope = Envelope::parse(m.body);
  ASSERT_TRUE(envelope) << envelope.error().message << ": " << m.body;
  EXPECT_EQ(envelope->job_class, "EchoJob");
  EXPECT_EQ(envelope->job_id, sent->job_id);
  EXPECT_EQ(envelope->queue_name, "jobs");
  EXPECT_EQ(envelope->arguments_json(), "[\"hello\",42,{\"caf\xC3\xA9\":true}]");

  const MessageAttribute* digest = m.attribute(kDigestAttribute);
  ASSERT_NE(digest, nullptr);
  EXPECT_EQ(digest->data_type, "String");
  auto signer = Signer::create(testing::kTestSecret);
  ASSERT_TRUE(signer);
  EXPECT_TRUE(signer->verify(m.body, digest->value));  // what the worker's verifier does
  auto other = Signer::create(std::string(40, 'z'));
  EXPECT_FALSE(other->verify(m.body, digest->value));

  const MessageAttribute* origin = m.attribute(kOriginAttribute);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(origin->value, "ebworker");
}

TEST_F(Fauxqs, BatchOfTwentyFiveAllArrive) {
  const std::string queue = fauxqs.create_queue("batch");
  std::vector<JobToEnqueue> jobs;
  for (int i = 0; i < 25; ++i) jobs.push_back({"EchoJob", "[" + std::to_string(i) + "]", {}});
  auto results = client_for(queue).enqueue_batch(jobs);
  ASSERT_EQ(results.size(), 25u);
  std::set<std::string> sent_ids;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().describe();
    sent_ids.insert(r->message_id);
  }
  EXPECT_EQ(sent_ids.size(), 25u);

  const auto got = receive(queue, 25);
  std::set<std::string> received_ids, arguments;
  for (const auto& m : got) {
    received_ids.insert(m.message_id);
    auto e = Envelope::parse(m.body);
    ASSERT_TRUE(e);
    arguments.insert(e->arguments_json());
  }
  EXPECT_EQ(received_ids, sent_ids);
  EXPECT_EQ(arguments.size(), 25u);
}

TEST_F(Fauxqs, FifoQueueWithGroupAndDeduplicationIds) {
  const std::string queue = fauxqs.create_queue("orders.fifo");
  const Client client = client_for(queue);
  EnqueueOptions options;
  options.group_id = "customer-7";
  options.deduplication_id = "order-1001";
  auto first = client.enqueue("ChargeJob", "[1001]", options);
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_FALSE(first->sequence_number.empty());
  auto again = client.enqueue("ChargeJob", "[1001]", options);  // same deduplication id
  ASSERT_TRUE(again) << again.error().describe();

  // Defaults: the job name as group, the job id as deduplication id. A zero delay is no delay.
  EnqueueOptions no_delay;
  no_delay.delay_seconds = 0;
  auto defaults = client.enqueue("ChargeJob", "[1002]", no_delay);
  ASSERT_TRUE(defaults) << defaults.error().describe();

  const auto got = receive(queue, 2);
  ASSERT_EQ(got.size(), 2u);  // the duplicate was dropped (the second, from another group, too)
  std::map<std::string, const ReceivedMessage*> by_group;
  for (const auto& m : got) by_group[m.attributes.at("MessageGroupId")] = &m;
  ASSERT_EQ(by_group.count("customer-7"), 1u);
  EXPECT_EQ(by_group["customer-7"]->attributes.at("MessageDeduplicationId"), "order-1001");
  EXPECT_EQ(by_group["customer-7"]->message_id, first->message_id);
  ASSERT_EQ(by_group.count("ChargeJob"), 1u);
  EXPECT_EQ(by_group["ChargeJob"]->attributes.at("MessageDeduplicationId"), defaults->job_id);
}

TEST_F(Fauxqs, DelayedMessageArrivesLater) {
  const std::string queue = fauxqs.create_queue("delayed");
  EnqueueOptions options;
  options.delay_seconds = 1;
  auto sent = client_for(queue).enqueue("EchoJob", "[]", options);
  ASSERT_TRUE(sent) << sent.error().describe();
  const auto sent_at = steady_clock::now();

  auto now = fauxqs.sqs().receive_messages(queue, {.max_messages = 10, .wait_seconds = 0});
  ASSERT_TRUE(now) << now.error().describe();
  EXPECT_TRUE(now->empty()) << "a message delayed 1 s was receivable at once";

  const auto got = receive(queue, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message_id, sent->message_id);
  EXPECT_GE(steady_clock::now() - sent_at, std::chrono::milliseconds(900));
}

TEST_F(Fauxqs, NonexistentQueueIsAClearError) {
  const std::string queue = fauxqs.create_queue("exists");
  const std::string missing = queue.substr(0, queue.rfind('/')) + "/no-such-queue";
  auto sent = client_for(missing).enqueue("EchoJob");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, SqsErrorKind::client);
  EXPECT_EQ(sent.error().code, "QueueDoesNotExist");
  EXPECT_EQ(sent.error().query_code, "AWS.SimpleQueueService.NonExistentQueue");  // x-amzn-query-error
  EXPECT_EQ(sent.error().attempts, 1);
  EXPECT_NE(sent.error().describe().find("no-such-queue"), std::string::npos) << sent.error().describe();
}

TEST_F(Fauxqs, AttributeDigestsAgreeForNonAsciiAndBinary) {
  const std::string queue = fauxqs.create_queue("attributes");
  OutgoingMessage m;
  // Only the Basic Multilingual Plane: fauxqs 1.9.2 refuses U+10000 and above, which SQS takes.
  m.body = "Gr\xC3\xBC\xC3\x9F" "e \xE2\x82\xAC";
  m.attributes = {{"citt\xC3\xA0", "String", "\xE6\x97\xA5\xE6\x9C\xAC"},
                  {"\xC3\xA9t\xC3\xA9", "String.custom", "\xE2\x9C\x93"},
                  {"count", "Number", "1250800"},
                  {"raw", "Binary", std::string("\x00\xFF\x10", 3)}};
  auto sent = fauxqs.sqs().send_message(queue, m);  // fails unless fauxqs's MD5s equal ours
  ASSERT_TRUE(sent) << sent.error().describe();

  const auto got = receive(queue, 1);  // receive checks MD5OfBody and MD5OfMessageAttributes
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, m.body);
  const MessageAttribute* raw = got[0].attribute("raw");
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(raw->value, std::string("\x00\xFF\x10", 3));
  EXPECT_EQ(got[0].attribute("\xC3\xA9t\xC3\xA9")->data_type, "String.custom");
}

TEST_F(Fauxqs, QueueAndMessageOperations) {
  const std::string queue = fauxqs.create_queue("ops", {{"VisibilityTimeout", "30"}});
  const SqsClient& sqs = fauxqs.sqs();
  auto url = sqs.get_queue_url("ops");
  ASSERT_TRUE(url) << url.error().describe();
  EXPECT_EQ(*url, queue);
  ASSERT_TRUE(sqs.set_queue_attributes(queue, {{"VisibilityTimeout", "45"}}));
  auto attributes = sqs.get_queue_attributes(queue, {"VisibilityTimeout"});
  ASSERT_TRUE(attributes) << attributes.error().describe();
  EXPECT_EQ(attributes->at("VisibilityTimeout"), "45");

  for (const char* body : {"one", "two", "three"}) ASSERT_TRUE(sqs.send_message(queue, {.body = body}));
  auto got = receive(queue, 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].attributes.at("ApproximateReceiveCount"), "1");

  // Back into the queue at once, received again.
  ASSERT_TRUE(sqs.change_message_visibility(queue, got[0].receipt_handle, 0));
  auto back = receive(queue, 1);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].message_id, got[0].message_id);
  EXPECT_EQ(back[0].attributes.at("ApproximateReceiveCount"), "2");

  ASSERT_TRUE(sqs.delete_message(queue, back[0].receipt_handle));
  auto deleted = sqs.delete_message_batch(queue, {got[1].receipt_handle, got[2].receipt_handle});
  ASSERT_EQ(deleted.size(), 2u);
  for (const auto& d : deleted) EXPECT_TRUE(d) << d.error().describe();
  auto counts = sqs.get_queue_attributes(queue, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"});
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->at("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(counts->at("ApproximateNumberOfMessagesNotVisible"), "0");
}

}  // namespace
}  // namespace ebworker
