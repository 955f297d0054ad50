// What `ebworker sqsd` posts, checked header by header against docs/wire-protocol.md ("The daemon's
// POST") at a capture endpoint standing in for the worker; and only a 200 deletes: a 500 first
// means the message comes again (receive count 2), and after the 200 it is gone.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <csignal>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>
#include <regex>

#include "core/text.h"
#include "e2e/support/local_stack.h"
#include "support/fake_http_server.h"
#include "support/sqs_receive_answer.h"

namespace ebworker::testing {
namespace {

class HeaderFidelity : public LocalStackTest {};

bool iso_seconds(std::string_view s) {
  static const std::regex kForm(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  return std::regex_match(s.begin(), s.end(), kForm);
}

TEST_F(HeaderFidelity, EveryHeaderAsAwsSqsdSendsIt) {
  const std::string queue = create_queue("fidelity");
  std::atomic<int> answered{0};
  FakeHttpServer capture([&](const Request&) {
    return ++answered == 1 ? Response::refuse(500, "first answer: fail") : Response::ok();
  });
  start_sqsd(queue, capture.url(), {"--http-path", "/work/here", "--mime-type", "text/x-e2e; charset=utf-8",
                                    "--visibility-timeout", "30", "--error-visibility-timeout", "0"});

  OutgoingMessage message;
  // Any bytes SQS takes, kept as they are (fauxqs 1.9.2 refuses characters above U+FFFF,
  // which SQS allows, so none here).
  message.body = "{\"body\": \"byte-identical\", \"unicode\": \"\xc3\xa9\xe2\x82\xac\", \"tab\":\"\t\"}\r\n";
  message.attributes = {
      {"color", "String", "blue"},
      {"count", "Number", "42"},
      {"blob", "Binary", std::string("\x00\x01\xff", 3)},
      {"beanstalk.sqsd.note", "String", "internal"},
  };
  const auto sent = fauxqs_.sqs().send_message(queue, message);
  ASSERT_TRUE(sent) << sent.error().describe();

  ASSERT_TRUE(capture.wait_for_requests(2, 20s)) << "sqsd log:\n" << sqsd_log(0);
  const auto requests = capture.requests();
  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("post " + std::to_string(i + 1));
    const CapturedRequest& r = requests[i];
    const Headers& h = r.headers;
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/work/here");
    EXPECT_EQ(r.body, message.body);
    EXPECT_EQ(h.get("Content-Type"), "text/x-e2e; charset=utf-8");
    EXPECT_TRUE(istarts_with(h.get("User-Agent"), "aws-sqsd")) << h.get("User-Agent");
    EXPECT_EQ(h.get("X-Aws-Sqsd-Msgid"), sent->message_id);
    EXPECT_EQ(h.get("X-Aws-Sqsd-Queue"), "fidelity");
    EXPECT_TRUE(iso_seconds(h.get("X-Aws-Sqsd-First-Received-At"))) << h.get("X-Aws-Sqsd-First-Received-At");
    EXPECT_TRUE(iso_seconds(h.get("X-Aws-Sqsd-Sent-At"))) << h.get("X-Aws-Sqsd-Sent-At");
    EXPECT_LE(h.get("X-Aws-Sqsd-Sent-At"), h.get("X-Aws-Sqsd-First-Received-At"));
    EXPECT_EQ(h.get("X-Aws-Sqsd-Receive-Count"), std::to_string(i + 1));
    EXPECT_FALSE(h.get("X-Aws-Sqsd-Sender-Id").empty());
    EXPECT_EQ(h.get("X-Aws-Sqsd-Path"), "/work/here");
    EXPECT_EQ(h.get("X-Aws-Sqsd-Attr-color"), "blue");
    EXPECT_EQ(h.get("X-Aws-Sqsd-Attr-count"), "42");
    EXPECT_EQ(h.find("X-Aws-Sqsd-Attr-blob"), nullptr);
    EXPECT_EQ(h.find("X-Aws-Sqsd-Attr-beanstalk.sqsd.note"), nullptr);
    EXPECT_EQ(h.find("X-Aws-Sqsd-Taskname"), nullptr);
    EXPECT_EQ(h.find("X-Aws-Sqsd-Scheduled-At"), nullptr);
    int sqsd_headers = 0;
    for (const auto& [name, value] : h.fields()) sqsd_headers += istarts_with(name, "X-Aws-Sqsd-") ? 1 : 0;
    EXPECT_EQ(sqsd_headers, 9) << "Msgid Queue First-Received-At Sent-At Receive-Count Sender-Id Path, 2 Attr";
  }
  EXPECT_EQ(requests[0].headers.get("X-Aws-Sqsd-First-Received-At"),
            requests[1].headers.get("X-Aws-Sqsd-First-Received-At"));

  // The 500 put it back, the 200 deleted it: the queue empties and no third post comes.
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << messages_in(queue);
  EXPECT_EQ(capture.requests().size(), 2u) << "posted again after the 200";
  EXPECT_EQ(lines_with(sqsd_log(0), {"msgid=" + sent->message_id, "status=500", "retry in 0 s"}).size(), 1u);
  EXPECT_EQ(lines_with(sqsd_log(0), {"msgid=" + sent->message_id, "status=200", "deleting"}).size(), 1u);
}

// An attribute name becomes part of a header name: from a look-alike SQS (a FakeHttpServer here),
// a name holding CR LF would add a header of its choosing to the POST. The daemon posts no such
// message: it logs why and releases it for the error visibility timeout (the queue's redrive then
// dead-letters it), and posts the others.
TEST_F(HeaderFidelity, AMessageWithAnAttributeNameSqsWouldRefuseIsNotPosted) {
  const auto message = [](std::string id, MessageAttribute attribute) {
    ReceivedMessage m;
    m.message_id = id;
    m.receipt_handle = "h-" + id;
    m.body = "{}";
    m.attributes = {{"ApproximateReceiveCount", "1"}};
    m.message_attributes = {std::move(attribute)};
    return m;
  };
  const ReceivedMessage bad = message("bad-name", {"x\r\nX-Aws-Sqsd-Taskname: AdminTask\r\nX", "String", "v"});
  const ReceivedMessage good = message("good", {"color", "String", "blue"});
  std::mutex mutex;
  std::condition_variable changed;
  bool delivered = false;
  std::vector<std::string> visibility_changes;  // receipt handle=seconds
  FakeHttpServer sqs([&](const Request& r) {
    const std::string_view action = r.headers.get("X-Amz-Target");
    std::unique_lock lock(mutex);
    if (action == "AmazonSQS.GetQueueAttributes") return Response::ok(R"({"Attributes":{"QueueArn":"arn:q"}})");
    if (action == "AmazonSQS.ChangeMessageVisibility") {
      rapidjson::Document body;
      body.Parse(r.body.c_str());
      visibility_changes.push_back(std::string(body["ReceiptHandle"].GetString()) + "=" +
                                   std::to_string(body["VisibilityTimeout"].GetInt()));
      changed.notify_all();
      return Response::ok("{}");
    }
    if (action == "AmazonSQS.DeleteMessageBatch") return Response::ok(R"({"Successful":[{"Id":"0"}],"Failed":[]})");
    if (action != "AmazonSQS.ReceiveMessage") return Response::ok("{}");
    if (!std::exchange(delivered, true)) return Response::ok(receive_message_answer({bad, good}));
    changed.wait_for(lock, 500ms);  // a long poll that brings nothing
    return Response::ok(R"({"Messages":[]})");
  });
  FakeHttpServer worker([](const Request&) { return Response::ok(); });
  Process& sqsd = start_sqsd("http://sqs.us-east-1.localhost:" + std::to_string(sqs.port()) + "/000000000000/q",
                             worker.url(), {"--error-visibility-timeout", "7"},
                             {{"AWS_ENDPOINT_URL_SQS", sqs.url()}, {"AWS_REGION", "us-east-1"}});

  ASSERT_TRUE(worker.wait_for_requests(1, 20s)) << sqsd_log(0);
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 20s, [&] { return !visibility_changes.empty(); })) << sqsd_log(0);
    EXPECT_EQ(visibility_changes, std::vector<std::string>{"h-bad-name=7"});
  }
  const auto posts = worker.requests();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].headers.get("X-Aws-Sqsd-Msgid"), "good");
  EXPECT_EQ(posts[0].headers.get("X-Aws-Sqsd-Attr-color"), "blue");
  EXPECT_EQ(posts[0].headers.find("X-Aws-Sqsd-Taskname"), nullptr);
  const auto lines = lines_with(sqsd_log(0), {"msgid=bad-name", "is not one SQS allows: not posted"});
  ASSERT_EQ(lines.size(), 1u) << sqsd_log(0);
  EXPECT_NE(lines[0].find("retry in 7 s"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("x\\r\\nX-Aws-Sqsd-Taskname: AdminTask"), std::string::npos) << lines[0];

  // Stopped while its SQS is still there: without it, the stop's last calls would wait out retries.
  sqsd.send_signal(SIGTERM);
  const auto stopped = sqsd.wait_for_exit(15s);
  ASSERT_TRUE(stopped.has_value()) << sqsd_log(0);
  EXPECT_TRUE(stopped->success()) << stopped->describe() << "\n" << sqsd_log(0);
}

}  // namespace
}  // namespace ebworker::testing
