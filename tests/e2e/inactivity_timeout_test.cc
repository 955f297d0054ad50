// A job slower than InactivityTimeout: the daemon gives up on the post, makes the message
// visible again after ErrorVisibilityTimeout, and it is received and posted again (receive
// count 2), while the first run is still going: the reason jobs must be idempotent.

#include <gtest/gtest.h>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

class InactivityTimeout : public LocalStackTest {};

TEST_F(InactivityTimeout, SlowerJobIsRetried) {
  const std::string queue = create_queue("slow");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""),
             {"--inactivity-timeout", "1", "--visibility-timeout", "30", "--error-visibility-timeout", "0"});

  const auto sent = client(queue).enqueue("SleepJob", "[3000]");
  ASSERT_TRUE(sent) << sent.error().describe();
  const std::string msgid = "msgid=" + sent->message_id;

  // The first post times out after 1 s and the message is put back at once...
  ASSERT_TRUE(eventually([&] { return !lines_with(sqsd_log(0), {msgid, "error=", "retry in 0 s"}).empty(); }, 15s))
      << sqsd_log(0);
  const std::string timed_out = lines_with(sqsd_log(0), {msgid, "error="}).front();
  EXPECT_NE(timed_out.find("duration_ms=1"), std::string::npos) << timed_out;  // 1xxx ms
  // ...so the worker starts the same job a second time while the first still sleeps.
  const auto runs = [&] { return lines_with(worker.log(), {msgid, "job=SleepJob sleeping 3000 ms"}).size(); };
  ASSERT_TRUE(eventually([&] { return runs() >= 2; }, 15s))
      << worker.log();
  // Each run finishes; the worker answers 200 to posts the daemon no longer waits for.
  ASSERT_TRUE(eventually([&] { return worker.request_lines(sent->message_id).size() >= 2; }, 15s)) << worker.log();
  for (const auto& line : worker.request_lines(sent->message_id))
    EXPECT_NE(line.find(" status=200 "), std::string::npos) << line;
}

}  // namespace
}  // namespace ebworker::testing
