// A rolling deploy: a message naming a job class the running ("old") worker does not register is
// sent on, with a delay, for EBWORKER_UNKNOWN_JOB_GRACE from its first arrival, instead of being
// answered 404 until the daemon dead-letters it; a worker that has the class runs it. Past the
// grace it is dead-lettered with the reason. The old worker is the example app (jobs/), which has
// no OutcomeJob; the new one is the tests' app, which has.

#include <gtest/gtest.h>

#include <string>

#include "e2e/support/local_stack.h"
#include "e2e/support/retrying_worker.h"

namespace ebworker::testing {
namespace {

class UnknownJobGrace : public LocalStackTest {
 protected:
  WorkerProcess& start_old_worker(const EnvChanges& changes) {
    return start_next_worker(workers_, {.binary = EBWORKER_BINARY, .env = worker_env(changes), .dir = dir_.path()});
  }
  static EnvChanges with_grace(EnvChanges env, const std::string& seconds) {
    env["EBWORKER_UNKNOWN_JOB_GRACE"] = seconds;
    return env;
  }
};

TEST_F(UnknownJobGrace, AClassOnlyTheNewWorkerHasWaitsForItInsteadOfBeingDeadLettered) {
  const std::string queue = create_queue("deploy");
  const std::string dead_letters = create_queue("deploy-dead");
  const EnvChanges env = with_grace(retrying_worker_env(queue, dead_letters, fauxqs_.endpoint()), "60");
  auto& old_worker = start_old_worker(env);
  const std::uint16_t port = old_worker.port();
  start_sqsd(queue, old_worker.url(""), {"--error-visibility-timeout", "1"});
  ASSERT_TRUE(client(queue).enqueue("OutcomeJob", R"(["done"])"));

  // Sent on (2 s hops here) again and again, each answered 200: no receive burnt.
  const auto sent_on = [&] {
    return lines_with(old_worker.log(), {"status=200", "job=OutcomeJob", "reason=unknown job OutcomeJob: sent on"});
  };
  ASSERT_TRUE(eventually([&] { return sent_on().size() >= 2; }, 20s)) << old_worker.log();
  for (const auto& post : sent_on()) EXPECT_NE(post.find("of EBWORKER_UNKNOWN_JOB_GRACE left"), std::string::npos) << post;
  EXPECT_TRUE(lines_with(old_worker.log(), {"status=404"}).empty()) << old_worker.log();
  EXPECT_TRUE(old_worker.stop().success()) << old_worker.log();

  EnvChanges new_env = env;
  new_env["PORT"] = std::to_string(port);
  auto& new_worker = start_worker(new_env);
  ASSERT_TRUE(new_worker.wait_for_line(
      [](std::string_view l) { return l.find("job=OutcomeJob") != l.npos && l.find("status=200") != l.npos; }, 20s))
      << new_worker.log() << sqsd_log();
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
  EXPECT_EQ(messages_in(dead_letters), 0);
}

TEST_F(UnknownJobGrace, PastTheGraceItIsDeadLetteredSayingWhy) {
  const std::string queue = create_queue("deploy-late");
  const std::string dead_letters = create_queue("deploy-late-dead");
  auto& old_worker = start_old_worker(with_grace(retrying_worker_env(queue, dead_letters, fauxqs_.endpoint()), "2"));
  start_sqsd(queue, old_worker.url(""), {"--error-visibility-timeout", "1"});
  ASSERT_TRUE(client(queue).enqueue("OutcomeJob", R"(["done"])"));

  const auto dead = receive_one(dead_letters, [](const ReceivedMessage&) { return true; }, 20s);
  ASSERT_TRUE(dead) << old_worker.log();
  const MessageAttribute* failure = dead->attribute("ebworker-failure");
  ASSERT_NE(failure, nullptr);
  EXPECT_NE(failure->value.find("unknown job OutcomeJob for "), std::string::npos) << failure->value;
  EXPECT_NE(failure->value.find("past EBWORKER_UNKNOWN_JOB_GRACE (2 s)"), std::string::npos) << failure->value;
  // The answer's log line is written after the dead letter is sent: wait for it.
  EXPECT_TRUE(old_worker.wait_for_line(
      [](std::string_view l) {
        return l.find("status=200") != l.npos && l.find("job=OutcomeJob") != l.npos && l.find("; dead-lettered") != l.npos;
      },
      10s))
      << old_worker.log();
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
}

}  // namespace
}  // namespace ebworker::testing
