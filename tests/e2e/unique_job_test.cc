// Unique jobs through fauxqs, dynalite as the limits table, a worker and its daemon:
// `ebworker enqueue --unique` five times sends one message and runs it once; once the window has
// passed, the key is sent again and runs again. ebworker::Client with the table claims as the
// command does. A duplicate that slipped past the claim (a client without the table does not
// claim) and arrives after the key's run completed is skipped.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "e2e/support/retrying_worker.h"
#include "support/dynalite_process.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

class UniqueJobs : public LocalStackTest {
 protected:
  UniqueJobs() {
    dynalite_.table("limits");
    EnvChanges env = retrying_worker_env(queue_, "", fauxqs_.endpoint());
    env["EBWORKER_LIMITS_TABLE"] = "limits";
    env["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite_.endpoint();
    auto& worker = start_worker(env);
    start_sqsd(queue_, worker.url(""), {"--visibility-timeout", "30", "--error-visibility-timeout", "1"});
  }

  // Starts `ebworker enqueue EchoJob ARGS --unique KEY --unique-for SECONDS`, its stdout to `out`.
  std::unique_ptr<Process> start_enqueue(const std::string& arguments, const std::string& key, int seconds,
                                         const std::filesystem::path& out) {
    Environment env = client_command_env(queue_);
    env["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite_.endpoint();
    env["EBWORKER_LIMITS_TABLE"] = "limits";
    const std::string n = std::to_string(++enqueues_);
    return std::make_unique<Process>(
        Process::Options{.program = EBWORKER_BINARY,
                         .args = {"enqueue", "EchoJob", arguments, "--unique", key, "--unique-for", std::to_string(seconds)},
                         .env = env,
                         .workdir = dir_.path(),
                         .stdout_path = out,
                         .stderr_path = dir_ / ("enqueue-" + n + ".err")});
  }
  // Waits for an enqueue started as above: its stdout.
  std::string finished(Process& p, const std::filesystem::path& out) {
    const auto status = p.wait_for_exit(60s);
    EXPECT_TRUE(status && status->success()) << "an enqueue failed";
    return read_file(out);
  }
  std::string enqueue_unique(const std::string& arguments, const std::string& key, int seconds) {
    const auto out = dir_ / ("enqueue-" + std::to_string(enqueues_ + 1) + ".out");
    return finished(*start_enqueue(arguments, key, seconds, out), out);
  }
  std::size_t runs_of(std::string_view argument) const { return lines_with(echo_output(), {argument}).size(); }

  DynaliteProcess dynalite_;
  std::string queue_ = create_queue("unique");
  int enqueues_ = 0;
};

TEST_F(UniqueJobs, FiveEnqueuesOfOneKeySendOneAndAfterTheWindowItIsSentAgain) {
  // Five processes at once, racing for the claim: all within its window (15 s), even on a
  // loaded machine where one enqueue process takes seconds.
  constexpr int kWindow = 15;
  const auto first_claim = std::chrono::steady_clock::now();
  std::vector<std::pair<std::unique_ptr<Process>, std::filesystem::path>> enqueues;
  for (int i = 0; i < 5; ++i) {
    auto out = dir_ / ("racing-" + std::to_string(i) + ".out");
    enqueues.emplace_back(start_enqueue("[\"import-42\"]", "import-42", kWindow, out), out);
  }
  int sent = 0, already = 0;
  for (auto& [process, out] : enqueues) {
    if (finished(*process, out) == "already enqueued\n")
      ++already;
    else
      ++sent;
  }
  EXPECT_EQ(sent, 1);
  EXPECT_EQ(already, 4);
  ASSERT_TRUE(eventually([&] { return runs_of("import-42") >= 1; }, 20s)) << workers_.front()->log();
  ASSERT_TRUE(eventually([&] { return messages_in(queue_) == 0; }, 10s));
  EXPECT_EQ(runs_of("import-42"), 1u);

  // Past the window of the claim: sent again, and run again (enqueued after the first run).
  std::string out;
  ASSERT_TRUE(eventually(
      [&] {
        out = enqueue_unique("[\"import-42\"]", "import-42", kWindow);
        return out != "already enqueued\n";
      },
      60s));
  EXPECT_GE(std::chrono::steady_clock::now() - first_claim, std::chrono::seconds(kWindow - 1))
      << "sent again within the window";
  EXPECT_TRUE(eventually([&] { return runs_of("import-42") == 2; }, 20s)) << workers_.front()->log();
}

TEST_F(UniqueJobs, ADuplicateArrivingAfterItsKeysRunIsSkipped) {
  EnqueueOptions unique;
  unique.unique_key = "report-7";
  unique.unique_for = 60s;
  ASSERT_TRUE(client(queue_).enqueue("EchoJob", "[\"report-7\"]", unique));
  EnqueueOptions later = unique;
  later.delay_seconds = 3;  // enqueued now, before the first's run completes; delivered after it
  auto duplicate = client(queue_).enqueue("EchoJob", "[\"report-7\"]", later);
  ASSERT_TRUE(duplicate);
  const auto skipped = workers_.front()->wait_for_line(
      [&](std::string_view line) {
        return line.find(duplicate->message_id) != std::string_view::npos &&
               line.find("status=200") != std::string_view::npos;
      },
      20s);
  ASSERT_TRUE(skipped) << workers_.front()->log();
  EXPECT_NE(skipped->find("reason=skipped: unique key report-7 ran"), std::string::npos) << *skipped;
  EXPECT_EQ(runs_of("report-7"), 1u);
}

TEST_F(UniqueJobs, TheClientWithTheTableClaimsTheKeyAndAnswersAlreadyEnqueued) {
  const Client claiming = client(queue_, [&](ClientConfig& c) {
    c.limits_table = "limits";
    c.dynamodb_endpoint = {dynalite_.endpoint(), "us-east-1"};
  });
  EnqueueOptions unique;
  unique.unique_key = "export-9";
  unique.unique_for = 60s;
  int sent = 0, already = 0;
  for (int i = 0; i < 5; ++i) {
    auto enqueued = claiming.enqueue("EchoJob", "[\"export-9\"]", unique);
    ASSERT_TRUE(enqueued) << enqueued.error().describe();
    if (enqueued->already_enqueued) {
      ++already;
      EXPECT_TRUE(enqueued->message_id.empty() && enqueued->job_id.empty());
    } else {
      ++sent;
    }
  }
  EXPECT_EQ(sent, 1);
  EXPECT_EQ(already, 4);
  ASSERT_TRUE(eventually([&] { return runs_of("export-9") >= 1; }, 20s)) << workers_.front()->log();
  ASSERT_TRUE(eventually([&] { return messages_in(queue_) == 0; }, 10s));
  EXPECT_EQ(runs_of("export-9"), 1u);
  // A batch cannot claim before it sends: it refuses the job.
  const auto batch = claiming.enqueue_batch({{.job = "EchoJob", .arguments_json = "[]", .options = unique}});
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_FALSE(batch[0]);
}

}  // namespace
}  // namespace ebworker::testing
