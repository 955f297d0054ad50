// The POST the daemon builds from an SQS message (docs/wire-protocol.md, "The daemon's POST"), with
// ISO times from SQS's epoch milliseconds; a periodic task's message as the leader sends it becomes
// the task's POST.

#include <gtest/gtest.h>

#include <algorithm>

#include "core/iso_time.h"
#include "envelope/uuid.h"
#include "sqsd/periodic_scheduler.h"
#include "sqsd/worker_post.h"

namespace ebworker {
namespace {

using namespace std::chrono;

ReceivedMessage sample_message() {
  ReceivedMessage m;
  m.message_id = "5fea7756-0ea4-451a-a703-a558b933e274";
  m.receipt_handle = "handle";
  m.body = R"({"job_class":"EchoJob"})";
  m.attributes = {{"SentTimestamp", "1692107873000"},
                  {"ApproximateFirstReceiveTimestamp", "1692107873999"},
                  {"ApproximateReceiveCount", "3"},
                  {"SenderId", "AIDAEXAMPLE"}};
  m.message_attributes = {{"message-digest", "String", "abc123"},
                          {"count", "Number.int", "7"},
                          {"label", "String.custom", "x"},
                          {"blob", "Binary", std::string("\x00\x01", 2)},
                          {"beanstalk.sqsd.path", "String", "/internal"},
                          {"evil", "String", "a\r\nX-Injected: 1"}};
  return m;
}

// The value of header `name` ("Name: value" lines), or nullopt.
std::optional<std::string> header(const HttpRequest& r, std::string_view name) {
  const std::string prefix = std::string(name) + ": ";
  for (const auto& h : r.headers)
    if (h.rfind(prefix, 0) == 0) return h.substr(prefix.size());
  return std::nullopt;
}

TEST(BuildWorkerPost, NormalMessage) {
  SqsdConfig config;
  config.worker_url = "http://127.0.0.1:5000";
  config.http_path = "/jobs";
  config.mime_type = "text/plain";
  config.connect_timeout = 3;
  config.inactivity_timeout = 42;
  const WorkerPost post = build_worker_post(sample_message(), config, "my-queue").value();
  const HttpRequest& r = post.request;
  EXPECT_EQ(post.task_name, "");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:5000/jobs");
  EXPECT_EQ(r.body, R"({"job_class":"EchoJob"})");
  EXPECT_EQ(r.connect_timeout, seconds(3));
  EXPECT_EQ(r.timeout, seconds(42));
  EXPECT_EQ(header(r, "Content-Type"), "text/plain");
  EXPECT_EQ(header(r, "User-Agent").value_or("").rfind("aws-sqsd", 0), 0u);
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Msgid"), "5fea7756-0ea4-451a-a703-a558b933e274");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Queue"), "my-queue");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-First-Received-At"), "2023-08-15T13:57:53Z");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Sent-At"), "2023-08-15T13:57:53Z");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Receive-Count"), "3");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Sender-Id"), "AIDAEXAMPLE");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Path"), "/jobs");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Attr-message-digest"), "abc123");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Attr-count"), "7");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Attr-label"), "x");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Attr-blob"), std::nullopt);
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Attr-beanstalk.sqsd.path"), std::nullopt);
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Attr-evil"), std::nullopt);  // would inject a header
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Taskname"), std::nullopt);
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Scheduled-At"), std::nullopt);
  for (const auto& h : r.headers) EXPECT_EQ(h.find_first_of("\r\n"), std::string::npos) << h;
}

TEST(BuildWorkerPost, PeriodicTask) {
  ReceivedMessage m = sample_message();
  m.body = std::string(kScheduledJobBody);
  m.message_attributes = {{"beanstalk.sqsd.path", "String", "/periodic_tasks"},
                          {"beanstalk.sqsd.task_name", "String", "NightlyCleanupJob"},
                          {"beanstalk.sqsd.scheduled_time", "String", "2019-11-14 00:47:00 UTC"}};
  SqsdConfig config;
  const WorkerPost post = build_worker_post(m, config, "q").value();
  const HttpRequest& r = post.request;
  EXPECT_EQ(post.task_name, "NightlyCleanupJob");
  EXPECT_EQ(r.url, "http://127.0.0.1:5000/periodic_tasks");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Taskname"), "NightlyCleanupJob");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Scheduled-At"), "2019-11-14T00:47:00Z");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Path"), "/periodic_tasks");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Msgid"), m.message_id);
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Receive-Count"), "3");
  for (const auto& h : r.headers) EXPECT_NE(h.rfind("X-Aws-Sqsd-Attr-", 0), 0u) << h;
}

TEST(BuildWorkerPost, ScheduledBodyWithoutItsAttributesIsAnOrdinaryMessage) {
  ReceivedMessage m = sample_message();
  m.body = std::string(kScheduledJobBody);
  m.message_attributes = {{"beanstalk.sqsd.task_name", "String", "X"},
                          {"beanstalk.sqsd.path", "String", "http://elsewhere/"}};  // not a path
  const WorkerPost post = build_worker_post(m, SqsdConfig{}, "q").value();
  EXPECT_EQ(post.task_name, "");
  EXPECT_EQ(post.request.url, "http://127.0.0.1:5000/");
  EXPECT_EQ(post.request.body, kScheduledJobBody);
  EXPECT_EQ(header(post.request, "X-Aws-Sqsd-Taskname"), std::nullopt);
}

TEST(BuildWorkerPost, MissingSystemAttributesLeaveTheirHeadersOut) {
  ReceivedMessage m;
  m.message_id = "id";
  m.body = "x";
  const WorkerPost post = build_worker_post(m, SqsdConfig{}, "q").value();
  EXPECT_EQ(header(post.request, "X-Aws-Sqsd-First-Received-At"), std::nullopt);
  EXPECT_EQ(header(post.request, "X-Aws-Sqsd-Receive-Count"), std::nullopt);
  EXPECT_EQ(header(post.request, "X-Aws-Sqsd-Msgid"), "id");
}

// `ebworker post`'s POST: the daemon's headers for a message received once, just now.
TEST(BuildDirectPost, TheDaemonsHeadersWithoutAMessage) {
  const auto before = floor<seconds>(system_clock::now());
  const WorkerPost post = build_direct_post(R"({"job_class":"EchoJob"})",
                                            {{"message-digest", "String", "abc123"}, {"origin", "String", "ebworker"}},
                                            "local", "http://127.0.0.1:5000/x?y", "sqsd (test)")
                                  .value();
  const HttpRequest& r = post.request;
  EXPECT_EQ(post.task_name, "");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:5000/x?y");
  EXPECT_EQ(r.body, R"({"job_class":"EchoJob"})");
  EXPECT_EQ(r.connect_timeout, seconds(5));
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  EXPECT_EQ(header(r, "User-Agent"), "sqsd (test)");
  EXPECT_TRUE(is_uuid(header(r, "X-Aws-Sqsd-Msgid").value_or(""))) << header(r, "X-Aws-Sqsd-Msgid").value_or("");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Queue"), "local");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Receive-Count"), "1");
  const std::string received = header(r, "X-Aws-Sqsd-First-Received-At").value_or("");
  EXPECT_TRUE(is_iso8601_utc(received)) << received;
  EXPECT_GE(received, iso8601_utc_seconds(before));
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Sent-At"), received);
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Attr-message-digest"), "abc123");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Attr-origin"), "ebworker");
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Sender-Id"), std::nullopt);
  EXPECT_EQ(header(r, "X-Aws-Sqsd-Path"), std::nullopt);
}

// An attribute name becomes a header name (X-Aws-Sqsd-Attr-NAME): one SQS would not allow, a line
// break above all, would add headers of its choosing. Such a message is refused, not posted.
TEST(BuildWorkerPost, AnAttributeNameSqsWouldRefuseIsNotPosted) {
  const std::vector<std::string> refused = {"x\r\nX-Aws-Sqsd-Taskname: AdminTask", "a\nb", "with space", "colon:", "",
                                           ".dot", "dot.", "two..dots", "caf\xC3\xA9", std::string(257, 'a')};
  for (const std::string& name : refused) {
    SCOPED_TRACE(name);
    ReceivedMessage m = sample_message();
    m.message_attributes.push_back({name, "String", "v"});
    const auto post = build_worker_post(m, SqsdConfig{}, "q");
    ASSERT_FALSE(post.has_value());
    EXPECT_NE(post.error().message.find("is not one SQS allows: not posted"), std::string::npos) << post.error().message;
    EXPECT_EQ(post.error().message.find_first_of("\r\n"), std::string::npos) << "the reason quotes it escaped";
    EXPECT_FALSE(build_direct_post("{}", {{name, "String", "v"}}, "q", "http://127.0.0.1:5000/", "sqsd (test)"));
  }
  ReceivedMessage fine = sample_message();
  fine.message_attributes.push_back({"Aa0_-.z", "String", "v"});
  fine.message_attributes.push_back({std::string(256, 'a'), "String", "v"});
  const auto post = build_worker_post(fine, SqsdConfig{}, "q");
  ASSERT_TRUE(post.has_value()) << post.error().message;
  EXPECT_EQ(header(post->request, "X-Aws-Sqsd-Attr-Aa0_-.z"), "v");
}

TEST(IsoFromEpochMs, Converts) {
  EXPECT_EQ(iso_from_epoch_ms("0"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso_from_epoch_ms("1692107873000"), "2023-08-15T13:57:53Z");
  EXPECT_EQ(iso_from_epoch_ms("1692107873999"), "2023-08-15T13:57:53Z");  // truncated
  EXPECT_EQ(iso_from_epoch_ms("951868800000"), "2000-03-01T00:00:00Z");
  EXPECT_EQ(iso_from_epoch_ms("951868799999"), "2000-02-29T23:59:59Z");
}

TEST(IsoFromEpochMs, MalformedIsEmpty) {
  for (const char* bad : {"", "-1", "12a", " 12", "1.5", "99999999999999999999999"})
    EXPECT_EQ(iso_from_epoch_ms(bad), "") << bad;
}

TEST(ScheduledJobMessage, RoundTripsThroughBuildWorkerPost) {
  auto schedule = CronSchedule::parse("*/5 * * * *");
  ASSERT_TRUE(schedule);
  const auto sent = scheduled_job_message({"EchoJob", "/tasks/echo", *schedule, 1},
                                          sys_days{year{2024} / February / 29} + 5min);
  ReceivedMessage m;
  m.message_id = "id";
  m.body = sent.body;
  m.message_attributes = sent.attributes;
  const WorkerPost post = build_worker_post(m, SqsdConfig{}, "q").value();
  EXPECT_EQ(post.task_name, "EchoJob");
  EXPECT_EQ(post.request.url, "http://127.0.0.1:5000/tasks/echo");
  EXPECT_EQ(header(post.request, "X-Aws-Sqsd-Scheduled-At"), "2024-02-29T00:05:00Z");
}

}  // namespace
}  // namespace ebworker
