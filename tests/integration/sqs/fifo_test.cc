// FIFO queues (a queue URL ending .fifo) against fauxqs. SQS refuses a FIFO send without a
// MessageGroupId; the enqueue client never makes one: when the caller names no group it uses the
// job's name (and the job id as the deduplication id), through enqueue, enqueue_batch and
// `ebworker enqueue` alike. So jobs of one class are one group, delivered in the order sent.
// A group id the caller gives wins; one SQS would refuse (the caller's, or a job name that is
// not a valid group id) is refused before sending, naming the group id.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "envelope/envelope.h"
#include "fake_sqs.h"
#include "support/fauxqs_process.h"
#include "support/process.h"

namespace ebworker {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

class Fifo : public ::testing::Test {
 protected:
  Client client_for(const std::string& queue_url) {
    ClientConfig c;
    c.queue_url = queue_url;
    c.secret = testing::kTestSecret;
    c.endpoint = {fauxqs.endpoint(), ""};
    c.credentials = testing::test_credentials();
    c.retry.max_attempts = 2;
    auto client = Client::create(c);
    if (!client) throw std::runtime_error(client.error().message);
    return std::move(client).value();
  }

  // Receives (and deletes, so each group's next message comes) until `n` messages arrived or
  // 20 long polls of 1 s passed; in the order received.
  std::vector<ReceivedMessage> receive_all(const std::string& queue_url, std::size_t n) {
    std::vector<ReceivedMessage> got;
    const auto deadline = steady_clock::now() + seconds(20);
    for (int poll = 0; poll < 20 && got.size() < n && steady_clock::now() < deadline; ++poll) {
      auto batch = fauxqs.sqs().receive_messages(queue_url, {.max_messages = 10, .wait_seconds = 1,
                                                             .visibility_timeout = 60});
      if (!batch) {
        ADD_FAILURE() << batch.error().describe();
        break;
      }
      for (auto& m : *batch) {
        auto deleted = fauxqs.sqs().delete_message(queue_url, m.receipt_handle);
        EXPECT_TRUE(deleted) << deleted.error().describe();
        got.push_back(std::move(m));
      }
    }
    return got;
  }

  static std::string job_class(const ReceivedMessage& m) {
    auto e = Envelope::parse(m.body);
    return e ? e->job_class : "(not an envelope)";
  }
  static std::string arguments(const ReceivedMessage& m) {
    auto e = Envelope::parse(m.body);
    return e ? e->arguments_json() : "(not an envelope)";
  }

  testing::FauxqsProcess fauxqs;
};

TEST_F(Fifo, WithoutAGroupIdTheJobNameIsTheGroup) {
  const std::string queue = fauxqs.create_queue("jobs.fifo");
  const Client client = client_for(queue);
  std::map<std::string, std::string> job_ids;  // message id → job id
  for (const auto& [job, args] : std::vector<std::pair<std::string, std::string>>{
           {"MailJob", "[1]"}, {"ChargeJob", "[1]"}, {"MailJob", "[2]"}, {"MailJob", "[3]"}, {"ChargeJob", "[2]"}}) {
    auto sent = client.enqueue(job, args);
    ASSERT_TRUE(sent) << job << args << ": " << sent.error().describe();
    EXPECT_FALSE(sent->sequence_number.empty());
    job_ids[sent->message_id] = sent->job_id;
  }

  const auto got = receive_all(queue, 5);
  ASSERT_EQ(got.size(), 5u);
  std::map<std::string, std::vector<std::string>> order;  // group → arguments, as received
  for (const auto& m : got) {
    SCOPED_TRACE(m.body);
    const std::string& group = m.attributes.at("MessageGroupId");
    EXPECT_EQ(group, job_class(m)) << "the group is the job's name";
    EXPECT_EQ(m.attributes.at("MessageDeduplicationId"), job_ids.at(m.message_id)) << "deduplicated by job id";
    order[group].push_back(arguments(m));
  }
  EXPECT_EQ(order["MailJob"], (std::vector<std::string>{"[1]", "[2]", "[3]"})) << "one group: in the order sent";
  EXPECT_EQ(order["ChargeJob"], (std::vector<std::string>{"[1]", "[2]"}));
}

TEST_F(Fifo, BatchWithoutGroupIdsUsesEachJobsName) {
  const std::string queue = fauxqs.create_queue("batch.fifo");
  EnqueueOptions customer;
  customer.group_id = "customer-7";
  const auto results = client_for(queue).enqueue_batch(
      {{"MailJob", "[1]", {}}, {"ChargeJob", "[1]", {}}, {"MailJob", "[2]", customer}, {"MailJob", "[3]", {}}});
  ASSERT_EQ(results.size(), 4u);
  std::set<std::string> job_ids;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().describe();
    job_ids.insert(r->job_id);
  }

  const auto got = receive_all(queue, 4);
  ASSERT_EQ(got.size(), 4u);
  std::map<std::string, std::vector<std::string>> order;
  for (const auto& m : got) {
    EXPECT_EQ(job_ids.count(m.attributes.at("MessageDeduplicationId")), 1u) << m.body;
    order[m.attributes.at("MessageGroupId")].push_back(job_class(m) + arguments(m));
  }
  EXPECT_EQ(order["MailJob"], (std::vector<std::string>{"MailJob[1]", "MailJob[3]"}));
  EXPECT_EQ(order["ChargeJob"], (std::vector<std::string>{"ChargeJob[1]"}));
  EXPECT_EQ(order["customer-7"], (std::vector<std::string>{"MailJob[2]"})) << "a given group id wins";
}

TEST_F(Fifo, EnqueueCommandWithoutGroupIdUsesTheJobName) {
  const std::string queue = fauxqs.create_queue("cli.fifo");
  auto env = testing::base_environment();
  env["EBWORKER_QUEUE_URL"] = queue;
  env["AWS_ENDPOINT_URL_SQS"] = fauxqs.endpoint();
  env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
  env["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  env["SECRET_KEY_BASE"] = testing::kTestSecret;
  env["EBWORKER_SQS_MAX_ATTEMPTS"] = "1";
  const auto plain = testing::run_command(EBWORKER_BINARY, {"enqueue", "EchoJob", "[1]"}, env, seconds(20));
  ASSERT_TRUE(plain.success()) << plain.describe();
  const auto grouped = testing::run_command(EBWORKER_BINARY, {"enqueue", "EchoJob", "[2]", "--group-id", "g-2"},
                                            env, seconds(20));
  ASSERT_TRUE(grouped.success()) << grouped.describe();

  const auto got = receive_all(queue, 2);
  ASSERT_EQ(got.size(), 2u);
  std::map<std::string, std::string> group_of;  // arguments → group
  for (const auto& m : got) group_of[arguments(m)] = m.attributes.at("MessageGroupId");
  EXPECT_EQ(group_of["[1]"], "EchoJob");
  EXPECT_EQ(group_of["[2]"], "g-2");
}

TEST_F(Fifo, AJobNameThatIsNoValidGroupIdIsRefusedBeforeSending) {
  const std::string queue = fauxqs.create_queue("names.fifo");
  const Client client = client_for(queue);
  auto spaced = client.enqueue("Mail Job", "[]");
  ASSERT_FALSE(spaced) << "sent with group id \"Mail Job\"";
  EXPECT_NE(spaced.error().message.find("group id"), std::string::npos) << spaced.error().describe();

  EnqueueOptions fixed;
  fixed.group_id = "mail";
  auto with_group = client.enqueue("Mail Job", "[]", fixed);
  ASSERT_TRUE(with_group) << with_group.error().describe();

  const auto got = receive_all(queue, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].attributes.at("MessageGroupId"), "mail");
}

}  // namespace
}  // namespace ebworker
