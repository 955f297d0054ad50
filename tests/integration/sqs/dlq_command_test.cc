// `ebworker dlq` (the real binary) against a look-alike SQS on loopback: a FakeHttpServer scripted
// as SQS answers what real SQS never would (control characters in every field, attribute names
// included; the same message twice; a refused send), so that what the command prints and the
// status it exits with can be checked for each.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/text.h"
#include "fake_sqs.h"
#include "support/process.h"
#include "support/sqs_receive_answer.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;
using testing::FakeHttpServer;
using testing::sqs_answer;

// A dead letter as the fake delivers it (any bytes in any field), with a fresh receipt handle.
ReceivedMessage dead_letter(std::string id, std::string body, std::vector<MessageAttribute> attributes = {},
                            std::map<std::string, std::string> system = {{"ApproximateReceiveCount", "1"}}) {
  static std::atomic<int> handles{0};
  ReceivedMessage m;
  m.message_id = std::move(id);
  m.receipt_handle = "handle-" + std::to_string(++handles);
  m.body = std::move(body);
  m.attributes = std::move(system);
  m.message_attributes = std::move(attributes);
  return m;
}

// Every entry of a DeleteMessageBatch request deleted.
std::string delete_answer(const std::string& request_body) {
  rapidjson::Document request;
  request.Parse(request_body.data(), request_body.size());
  std::string out = R"({"Successful":[)";
  bool first = true;
  for (const auto& entry : request["Entries"].GetArray()) {
    out += std::string(first ? "" : ",") + R"({"Id":")" + entry["Id"].GetString() + "\"}";
    first = false;
  }
  return out + R"(],"Failed":[]})";
}

// A dead-letter queue whose receives answer `answers` in turn, then nothing (once: a command's
// read ends there, and the next one's starts the script again), and whose sends answer `send` (a
// correct answer when it is null).
class FakeDeadLetterQueue {
 public:
  FakeDeadLetterQueue(std::vector<std::vector<ReceivedMessage>> answers, std::function<Response(const Request&)> send = {})
      : answers_(std::move(answers)), send_(std::move(send)), server_([this](const Request& r) { return answer(r); }) {}

  std::vector<std::string> actions() const {
    std::vector<std::string> out;
    for (const auto& r : server_.requests()) out.push_back(testing::action_of(r));
    return out;
  }
  std::size_t count(std::string_view action) const {
    const auto all = actions();
    return static_cast<std::size_t>(std::count(all.begin(), all.end(), action));
  }

  testing::CommandResult dlq(std::vector<std::string> args) const {
    Environment env = testing::base_environment();
    env["EBWORKER_DEAD_LETTER_QUEUE_URL"] = testing::queue_url_on(server_, "dead");
    env["EBWORKER_QUEUE_URL"] = testing::queue_url_on(server_, "jobs");
    env["AWS_ENDPOINT_URL_SQS"] = server_.url();
    env["AWS_REGION"] = "us-east-1";
    env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
    env["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    env["EBWORKER_SQS_MAX_ATTEMPTS"] = "1";
    args.insert(args.begin(), "dlq");
    args.insert(args.end(), {"--wait-time", "0"});
    return testing::run_command(EBWORKER_BINARY, args, env, 20s);
  }

 private:
  Response answer(const Request& r) {
    const std::string action = testing::action_of({.method = r.method, .path = r.path, .headers = r.headers, .body = r.body});
    if (action == "ReceiveMessage") {
      std::lock_guard lock(mutex_);
      if (next_ >= answers_.size()) {
        next_ = 0;  // the next command's read starts the script again
        return sqs_answer("{}");
      }
      return sqs_answer(testing::receive_message_answer(answers_[next_++]));
    }
    if (action == "DeleteMessageBatch") return sqs_answer(delete_answer(r.body));
    if (action == "SendMessage") return send_ ? send_(r) : sqs_answer(testing::send_answer_for(r.body));
    return sqs_answer("{}");  // ChangeMessageVisibility
  }

  std::mutex mutex_;
  std::vector<std::vector<ReceivedMessage>> answers_;
  std::size_t next_ = 0;
  std::function<Response(const Request&)> send_;
  FakeHttpServer server_;
};

// No control character (C0, DEL, C1) but those in `allowed`, and nothing that is not UTF-8.
::testing::AssertionResult printable(std::string_view text, std::string_view allowed) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_sequence_length(text.substr(i));
    const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (n == 0 || c1 || ((c < 0x20 || c == 0x7F) && allowed.find(static_cast<char>(c)) == std::string_view::npos))
      return ::testing::AssertionFailure() << "byte " << int(c) << " at " << i << " in:\n" << text;
    i += n;
  }
  return ::testing::AssertionSuccess();
}

std::size_t count_of(std::string_view text, char c) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), c)); }

const std::string kJobBody = R"({"job_class":"EchoJob","job_id":"0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10","arguments":[]})";

// A hostile dead letter: terminal escapes (retitle, clear, cursor up and erase a row), line
// breaks and tabs that would forge or hide rows, C1 controls, in every field ls and show print.
TEST(DlqCommand, LsAndShowPrintNoControlCharacterFromTheQueue) {
  const ReceivedMessage evil = dead_letter(
      "m-\x1b[1A\x1b[2K-1",
      R"({"job_class":"\u001b]0;title\u0007\u001b[2J","job_id":"\u001b[1A\u001b[2K\n\tX","x":"\u009b2J"})",
      {{"ebworker-failure", "String", "why\nEchoJob\tforged-row\x07"},
       {"ebworker-attempts", "Number", "3\x1b[2J"},
       {"ev\x1bil\r\nX", "String\x1b[2J", "v\x1b[2J\xC2\x9B" "2J"}},
      {{"ApproximateReceiveCount", "1\x1b[2J"}, {"SentTimestamp", "17\x1b"}, {"Sender\x1b[2JId", "x\r"}});
  FakeDeadLetterQueue queue({{evil}});

  const auto ls = queue.dlq({"ls"});
  ASSERT_TRUE(ls.success()) << ls.describe();
  EXPECT_TRUE(printable(ls.out, "\t\n"));
  ASSERT_EQ(count_of(ls.out, '\n'), 2u) << "a header and one row:\n" << ls.out;
  const std::string row = ls.out.substr(ls.out.find('\n') + 1);
  EXPECT_EQ(count_of(row, '\t'), 7u) << row;
  EXPECT_EQ(row.rfind("\\x1b]0;title\\x07\\x1b[2J\t\\x1b[1A\\x1b[2K\\n\\tX\t3\\x1b[2J\t", 0), 0u) << row;
  EXPECT_NE(row.find("\tm-\\x1b[1A\\x1b[2K-1\twhy\\nEchoJob\\tforged-row\\x07\n"), std::string::npos) << row;

  const auto shown = queue.dlq({"show", evil.message_id});
  ASSERT_TRUE(shown.success()) << shown.describe();
  EXPECT_TRUE(printable(shown.out, "\n"));
  for (const char* expected : {"message_id: m-\\x1b[1A\\x1b[2K-1\n", "job_class: \\x1b]0;title\\x07\\x1b[2J\n",
                               "receive_count: 1\\x1b[2J\n", "  Sender\\x1b[2JId: x\\r\n",
                               "  ev\\x1bil\\r\\nX (String\\x1b[2J): v\\x1b[2J\\xc2\\x9b2J\n",
                               "  ebworker-failure (String): why\\nEchoJob\\tforged-row\\x07\n",
                               "  \"x\": \"\\xc2\\x9b2J\"\n"})
    EXPECT_NE(shown.out.find(expected), std::string::npos) << expected << " not in:\n" << shown.out;
}

// A message received twice while one read goes on (its visibility ran out, or a look-alike sent
// it twice) is one message: listed once, requeued once.
TEST(DlqCommand, AMessageReceivedTwiceIsListedAndRequeuedOnce) {
  const ReceivedMessage a = dead_letter("a", kJobBody);
  const ReceivedMessage b = dead_letter("b", kJobBody);
  FakeDeadLetterQueue listed({{a, b}, {a}, {a, b}});
  const auto ls = listed.dlq({"ls"});
  ASSERT_TRUE(ls.success()) << ls.describe();
  EXPECT_EQ(count_of(ls.out, '\n'), 3u) << "a header and two rows:\n" << ls.out;

  FakeDeadLetterQueue requeued({{a, b}, {a}, {b, a}});
  const auto run = requeued.dlq({"requeue", "--all"});
  ASSERT_TRUE(run.success()) << run.describe();
  EXPECT_NE(run.out.find("requeued 2 to "), std::string::npos) << run.out;
  EXPECT_EQ(requeued.count("SendMessage"), 2u);
}

// A send the worker queue refuses: the message stays in the dead-letter queue (never deleted,
// made visible again), the failure is named, and the command exits 1.
TEST(DlqCommand, ARefusedSendExitsOneAndDeletesNothing) {
  const ReceivedMessage a = dead_letter("a", kJobBody);
  FakeDeadLetterQueue queue({{a}}, [](const Request&) {
    return testing::sqs_error(400, "InvalidParameterValue", "refused by the test");
  });
  const auto run = queue.dlq({"requeue", "--all"});
  ASSERT_TRUE(run.status && run.status->exited) << run.describe();
  EXPECT_EQ(run.status->code, 1) << run.describe();
  EXPECT_NE(run.out.find("requeued 0 to "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(", 1 failed"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("ebworker dlq requeue: message a: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("refused by the test"), std::string::npos) << run.err;
  EXPECT_EQ(queue.count("SendMessage"), 1u);
  EXPECT_EQ(queue.count("DeleteMessageBatch"), 0u);
  EXPECT_EQ(queue.count("ChangeMessageVisibility"), 1u) << "made visible again at the end";
}

}  // namespace
}  // namespace ebworker
