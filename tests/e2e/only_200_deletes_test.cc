// Only 200 deletes (docs/guide.md, "Status codes"): a worker answering another 2xx — 201, 202,
// 204 — has not done the job as far as the daemon knows, so `ebworker sqsd` leaves the message in
// the queue; it is received and posted again, its receive count one higher each time, until the
// worker answers 200, and only then is it deleted.

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>

#include "e2e/support/local_stack.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

class Only200Deletes : public LocalStackTest, public ::testing::WithParamInterface<int> {};

TEST_P(Only200Deletes, OtherSuccessStatusesAreRetriedUntil200) {
  const int status = GetParam();
  constexpr int kBefore200 = 2;  // answers of `status` before the 200
  const std::string queue = create_queue("only-200-" + std::to_string(status));
  std::atomic<int> answered{0};
  FakeHttpServer capture([&](const Request&) {
    if (++answered > kBefore200) return Response::ok();
    Response r{status, status == 204 ? "" : "done, says the worker\n", "not 200", {}};
    return r;
  });
  start_sqsd(queue, capture.url(), {"--visibility-timeout", "30", "--error-visibility-timeout", "0"});

  const auto sent = client(queue).enqueue("EchoJob", R"(["once"])");
  ASSERT_TRUE(sent) << sent.error().describe();

  ASSERT_TRUE(capture.wait_for_requests(kBefore200 + 1, 20s)) << "sqsd log:\n" << sqsd_log(0);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << messages_in(queue);
  const auto requests = capture.requests();
  ASSERT_EQ(requests.size(), static_cast<size_t>(kBefore200 + 1)) << "posted again after the 200";
  for (size_t i = 0; i < requests.size(); ++i) {
    SCOPED_TRACE("post " + std::to_string(i + 1));
    EXPECT_EQ(requests[i].headers.get("X-Aws-Sqsd-Msgid"), sent->message_id);
    EXPECT_EQ(requests[i].headers.get("X-Aws-Sqsd-Receive-Count"), std::to_string(i + 1));
  }
  const std::string log = sqsd_log(0);
  EXPECT_EQ(lines_with(log, {"msgid=" + sent->message_id, "status=" + std::to_string(status), "retry in 0 s"}).size(),
            static_cast<size_t>(kBefore200))
      << log;
  EXPECT_EQ(lines_with(log, {"msgid=" + sent->message_id, "status=200", "deleting"}).size(), 1u) << log;
}

class Only200DeletesNever : public LocalStackTest {};

TEST_F(Only200DeletesNever, AWorkerAnswering204ForeverNeverGetsItDeleted) {
  // The message stays while the worker keeps answering 204: still there after three posts.
  const std::string queue = create_queue("always-204");
  FakeHttpServer capture([](const Request&) { return Response{204, "", "no content", {}}; });
  start_sqsd(queue, capture.url(), {"--visibility-timeout", "30", "--error-visibility-timeout", "0"});
  const auto sent = client(queue).enqueue("EchoJob", R"(["stays"])");
  ASSERT_TRUE(sent) << sent.error().describe();
  ASSERT_TRUE(capture.wait_for_requests(3, 20s)) << "sqsd log:\n" << sqsd_log(0);
  EXPECT_EQ(messages_in(queue), 1);
  EXPECT_TRUE(lines_with(sqsd_log(0), {"msgid=" + sent->message_id, "deleting"}).empty()) << sqsd_log(0);
  // Stop the daemon before the capture goes, so it posts nothing more.
  sqsds_.back()->send_signal(SIGTERM);
  const auto stopped = sqsds_.back()->wait_for_exit(15s);
  ASSERT_TRUE(stopped && stopped->success()) << sqsd_log(0);
  EXPECT_EQ(messages_in(queue), 1) << "deleted without a 200";
}

INSTANTIATE_TEST_SUITE_P(Statuses, Only200Deletes, ::testing::Values(201, 202, 204),
                         [](const ::testing::TestParamInfo<int>& param) { return std::to_string(param.param); });

}  // namespace
}  // namespace ebworker::testing
