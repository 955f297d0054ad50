// Debounce through fauxqs, dynalite as the limits table, a worker and its daemon: five enqueues
// of one key within its window (four by ebworker::Client, the last by `ebworker enqueue
// --debounce`) run once, with the last one's arguments; the four others are skipped, none is
// dead-lettered, and a later burst of the key runs again.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "e2e/support/retrying_worker.h"
#include "support/dynalite_process.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

class Debounce : public LocalStackTest {
 protected:
  Debounce() {
    dynalite_.table("limits");
    EnvChanges env = retrying_worker_env(queue_, dead_letters_, fauxqs_.endpoint());
    env["EBWORKER_LIMITS_TABLE"] = "limits";
    env["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite_.endpoint();
    auto& worker = start_worker(env);
    start_sqsd(queue_, worker.url(""), {"--visibility-timeout", "30", "--error-visibility-timeout", "1"});
  }

  Client debouncing_client() const {
    return client(queue_, [&](ClientConfig& c) {
      c.limits_table = "limits";
      c.dynamodb_endpoint = {dynalite_.endpoint(), "us-east-1"};
    });
  }

  // `ebworker enqueue EchoJob ARGS --debounce KEY --debounce-for SECONDS`: its stdout.
  std::string enqueue_debounced(const std::string& arguments, const std::string& key, int seconds) {
    Environment env = client_command_env(queue_);
    env["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite_.endpoint();
    env["EBWORKER_LIMITS_TABLE"] = "limits";
    const auto enqueued = run_command(
        EBWORKER_BINARY, {"enqueue", "EchoJob", arguments, "--debounce", key, "--debounce-for", std::to_string(seconds)},
        env, 60s);
    EXPECT_TRUE(enqueued.success()) << enqueued.describe();
    return enqueued.out;
  }
  std::size_t runs_of(std::string_view argument) const { return lines_with(echo_output(), {argument}).size(); }
  std::size_t skipped_lines() const {
    return lines_with(workers_.front()->log(), {"status=200", "reason=skipped: debounce key"}).size();
  }

  DynaliteProcess dynalite_;
  std::string dead_letters_ = create_queue("debounce-dead");
  std::string queue_ = create_queue("debounce");
};

TEST_F(Debounce, FiveEnqueuesWithinTheWindowRunOnlyTheLastWithItsArguments) {
  const Client debouncing = debouncing_client();
  EnqueueOptions options;
  options.debounce_key = "reindex-7";
  options.debounce_for = 3s;
  for (int i = 1; i <= 4; ++i) {
    auto sent = debouncing.enqueue("EchoJob", "[\"reindex-7 call " + std::to_string(i) + "\"]", options);
    ASSERT_TRUE(sent) << sent.error().describe();
  }
  EXPECT_NE(enqueue_debounced("[\"reindex-7 call 5\"]", "reindex-7", 3), "");

  ASSERT_TRUE(eventually([&] { return runs_of("reindex-7 call 5") >= 1 && skipped_lines() >= 4; }, 30s))
      << workers_.front()->log();
  ASSERT_TRUE(eventually([&] { return messages_in(queue_) == 0; }, 10s));
  EXPECT_EQ(runs_of("reindex-7 call 5"), 1u) << echo_output();
  EXPECT_EQ(runs_of("reindex-7"), 1u) << echo_output();
  EXPECT_EQ(skipped_lines(), 4u) << workers_.front()->log();
  EXPECT_EQ(messages_in(dead_letters_), 0) << "dead-lettered";

  // A burst after the run is a new one: its last runs too.
  auto again = debouncing.enqueue("EchoJob", "[\"reindex-7 call 6\"]", options);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_TRUE(eventually([&] { return runs_of("reindex-7 call 6") == 1; }, 20s)) << workers_.front()->log();
  EXPECT_EQ(runs_of("reindex-7"), 2u) << echo_output();
}

TEST_F(Debounce, IsRefusedWithoutALimitsTableOrWithAnotherDelay) {
  EnqueueOptions options;
  options.debounce_key = "reindex-8";
  options.debounce_for = 3s;
  auto no_table = client(queue_).enqueue("EchoJob", "[]", options);
  ASSERT_FALSE(no_table);
  EXPECT_NE(no_table.error().message.find("EBWORKER_LIMITS_TABLE"), std::string::npos) << no_table.error().message;
  options.delay_seconds = 5;
  auto delayed = debouncing_client().enqueue("EchoJob", "[]", options);
  ASSERT_FALSE(delayed);
  EXPECT_NE(delayed.error().message.find("no other delay"), std::string::npos) << delayed.error().message;
  EXPECT_EQ(messages_in(queue_), 0);
}

}  // namespace
}  // namespace ebworker::testing
