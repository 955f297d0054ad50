// What only wall-clock minutes show, in one run of the whole stack with the timeouts left at
// their defaults (so it takes a little over a minute):
// - a job longer than 60 s (pistache's default read timeouts, nginx's default proxy timeout)
//   gets its 200 through `ebworker sqsd` and is deleted, run once;
// - the daemon as cron leader (its own cron.yaml loading and scheduler thread, not a scheduler
//   driven by the test) sends each due run of a task once, and the worker runs it;
// - a message first received longer ago than RetentionPeriod is deleted without being posted.

#include <gtest/gtest.h>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kEveryMinute =
    "version: 1\n"
    "cron:\n"
    "  - name: \"EchoJob\"\n"
    "    url: \"/periodic_tasks\"\n"
    "    schedule: \"* * * * *\"\n";

class MinuteScale : public LocalStackTest {};

TEST_F(MinuteScale, ALongJobTheCronLeaderAndRetentionWithDefaultTimeouts) {
  write_file(dir_ / "cron.yaml", kEveryMinute);
  const std::string queue = create_queue("minute");

  // Retention: this message's first receive is now (by the test); it is visible again in 62 s,
  // past the daemon's RetentionPeriod of 60 s.
  const auto old = client(queue).enqueue("EchoJob", R"(["too old"])");
  ASSERT_TRUE(old) << old.error().describe();
  auto first = fauxqs_.sqs().receive_messages(queue, {.max_messages = 1, .wait_seconds = 1, .visibility_timeout = 62});
  ASSERT_TRUE(first && first->size() == 1u);
  ASSERT_EQ((*first)[0].message_id, old->message_id);

  const auto long_job = client(queue).enqueue("SleepJob", "[61000]");
  ASSERT_TRUE(long_job) << long_job.error().describe();

  auto& worker = start_worker({{"EBWORKER_LOG_LEVEL", "info"}});  // every HTTP timeout at its default
  start_sqsd(queue, worker.url(""),
             {"--leader=true", "--cron-file", (dir_ / "cron.yaml").string(), "--retention-period", "60",
              "--log-level", "info"});

  const std::string long_id = "msgid=" + long_job->message_id;
  ASSERT_TRUE(worker.wait_for_line(
      [&](std::string_view l) { return l.find(long_id) != l.npos && l.find(" status=200 ") != l.npos; }, 80s))
      << "the 61 s job got no 200\n" << worker.log() << "\n" << sqsd_log(0);
  EXPECT_EQ(worker.request_lines(long_job->message_id).size(), 1u) << "posted again while it ran";
  EXPECT_TRUE(eventually([&] { return !lines_with(sqsd_log(0), {long_id, "status=200", "deleting"}).empty(); }, 5s));

  const std::string old_id = "msgid=" + old->message_id;
  EXPECT_TRUE(eventually([&] { return !lines_with(sqsd_log(0), {old_id, "older than the retention period"}).empty(); },
                         20s))
      << sqsd_log(0);
  EXPECT_TRUE(worker.request_lines(old->message_id).empty()) << "an expired message was posted";
  EXPECT_TRUE(lines_with(echo_output(), {"too old"}).empty());

  // At least one minute boundary passed while the long job ran: each run sent once, run once.
  const auto sent = lines_with(sqsd_log(0), {"periodic task EchoJob due", ": sent"});
  ASSERT_GE(sent.size(), 1u) << sqsd_log(0);
  EXPECT_TRUE(eventually([&] { return lines_with(echo_output(), {"[]"}).size() >= sent.size(); }, 20s))
      << echo_output();
  EXPECT_EQ(lines_with(echo_output(), {"[]"}).size(),
            lines_with(sqsd_log(0), {"periodic task EchoJob due", ": sent"}).size());
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 20s)) << messages_in(queue) << " left";
}

}  // namespace
}  // namespace ebworker::testing
