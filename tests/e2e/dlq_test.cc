// `ebworker dlq` against fauxqs: a job the worker's retry policy dead-lettered is listed with its
// signature checked, shown, and requeued to run once its cause is gone; purge asks first; and a
// requeue killed midway loses nothing (it sends before it deletes).

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "e2e/support/local_stack.h"
#include "envelope/envelope.h"
#include "support/process.h"

namespace ebworker::testing {
namespace {

constexpr std::string_view kOtherKey = "another-key-0123456789abcdef-0123456789abcdef";

class Dlq : public LocalStackTest {
 protected:
  // The command's environment: fauxqs, the two queues, the worker's key.
  Environment dlq_env(const std::string& queue, const std::string& dead_letters) const {
    Environment env = client_command_env(queue);
    env["EBWORKER_DEAD_LETTER_QUEUE_URL"] = dead_letters;
    return env;
  }
  CommandResult dlq(const std::vector<std::string>& args, const Environment& env) const {
    std::vector<std::string> argv{"dlq"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(EBWORKER_BINARY, argv, env, 20s);
  }
  int visible_in(const std::string& queue_url) const {
    auto a = fauxqs_.sqs().get_queue_attributes(queue_url, {"ApproximateNumberOfMessages"});
    if (!a) throw std::runtime_error(a.error().describe());
    return std::stoi(a->at("ApproximateNumberOfMessages"));
  }
  // The job ids of the messages in `queue_url`, each received for 60 s (so each is seen once).
  void collect_job_ids(const std::string& queue_url, std::set<std::string>& ids) const {
    for (int i = 0; i < 100; ++i) {
      auto got = fauxqs_.sqs().receive_messages(queue_url, {.max_messages = 10, .visibility_timeout = 60});
      if (!got) throw std::runtime_error(got.error().describe());
      if (got->empty()) return;
      for (const auto& m : *got) {
        auto envelope = Envelope::parse(m.body);
        if (envelope) ids.insert(envelope->job_id);
      }
    }
  }
};

TEST_F(Dlq, ADeadLetteredJobIsListedShownAndRequeuedToRunSigned) {
  const std::string queue = create_queue("gated");
  const std::string dead_letters = create_queue("gated-dead");
  auto& worker = start_worker({{"EBWORKER_QUEUE_URL", queue},
                               {"EBWORKER_DEAD_LETTER_QUEUE_URL", dead_letters},
                               {"AWS_ENDPOINT_URL_SQS", fauxqs_.endpoint()},
                               {"AWS_ACCESS_KEY_ID", "local"},
                               {"AWS_SECRET_ACCESS_KEY", "local"},
                               {"AWS_REGION", "us-east-1"}});
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  const std::string gate = (dir_ / "gate").string();
  const auto sent = client(queue).enqueue("GatedJob", "[\"" + gate + "\"]");
  ASSERT_TRUE(sent) << sent.error().describe();
  ASSERT_TRUE(eventually([&] { return messages_in(dead_letters) == 1; }, 15s)) << worker.log();
  // Short polls: fauxqs answers every one whole, so reads end without waiting out a long poll.
  const Environment env = dlq_env(queue, dead_letters);

  // ls: one line, its signature valid, the policy's attempts and reason; and nothing taken.
  const auto ls = dlq({"ls", "--wait-time", "0"}, env);
  ASSERT_TRUE(ls.success()) << ls.describe();
  const auto rows = lines_with(ls.out, {"GatedJob\t" + sent->job_id + "\t1\t"});
  ASSERT_EQ(rows.size(), 1u) << ls.out;
  EXPECT_NE(rows[0].find("\tvalid\t"), std::string::npos) << rows[0];
  EXPECT_NE(rows[0].find("\tjob failed: gate " + gate + " is closed"), std::string::npos) << rows[0];
  EXPECT_EQ(lines_with(ls.out, {"\t"}).size(), 2u) << "a header and one message:\n" << ls.out;
  EXPECT_EQ(visible_in(dead_letters), 1) << "ls left the message hidden";

  // Under another key the signature fails; with the worker's key among the previous ones, it
  // verifies (show's line).
  Environment rotated = env;
  rotated["SECRET_KEY_BASE"] = std::string(kOtherKey);
  const auto ls_other = dlq({"ls", "--wait-time", "0"}, rotated);
  EXPECT_EQ(lines_with(ls_other.out, {sent->job_id, "\tinvalid\t"}).size(), 1u) << ls_other.describe();
  rotated["SECRET_KEY_BASE_PREVIOUS"] = std::string(kE2eKey);

  // show, by job id: the body pretty-printed, the attributes, the receive count.
  const auto shown = dlq({"show", sent->job_id, "--wait-time", "0"}, rotated);
  ASSERT_TRUE(shown.success()) << shown.describe();
  EXPECT_NE(shown.out.find("\n  \"job_class\": \"GatedJob\",\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("  ebworker-failure (String): job failed: gate"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("  ebworker-attempts (Number): 1\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("\nreceive_count: "), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("\nsignature: valid\n"), std::string::npos) << shown.out;
  const auto missing = dlq({"show", "no-such-id", "--wait-time", "0"}, env);
  EXPECT_EQ(missing.status->code, 1) << missing.describe();

  // The cause gone, requeue sends it back and the worker runs it: its signature verified.
  write_file(gate, "open");
  const auto requeued = dlq({"requeue", "--job-id", sent->job_id}, env);
  ASSERT_TRUE(requeued.success()) << requeued.describe();
  EXPECT_NE(requeued.out.find("requeued 1 to " + queue + ", 0 failed"), std::string::npos) << requeued.out;
  const auto done = [&] {
    for (const auto& line : lines_with(worker.log(), {"POST / status=200", "job=GatedJob"}))
      if (line.find("reason=") == std::string::npos) return true;
    return false;
  };
  ASSERT_TRUE(eventually(done, 15s)) << worker.log();
  EXPECT_EQ(messages_in(dead_letters), 0);
  EXPECT_TRUE(lines_with(worker.log(), {"status=403"}).empty()) << worker.log();
}

TEST_F(Dlq, PurgeRefusesWithoutATerminalOrYesAndDeletesWithYes) {
  const std::string queue = create_queue("work");
  const std::string dead_letters = create_queue("work-dead");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client(dead_letters).enqueue("EchoJob", "[" + std::to_string(i) + "]"));
  const Environment env = dlq_env(queue, dead_letters);

  const auto refused = dlq({"purge"}, env);  // stdin is /dev/null
  ASSERT_TRUE(refused.status && refused.status->exited) << refused.describe();
  EXPECT_EQ(refused.status->code, 2) << refused.describe();
  EXPECT_NE(refused.err.find("--yes"), std::string::npos) << refused.describe();
  EXPECT_EQ(messages_in(dead_letters), 3);

  const auto purged = dlq({"purge", "--yes"}, env);
  ASSERT_TRUE(purged.success()) << purged.describe();
  EXPECT_NE(purged.out.find("deleted 3, 0 failed"), std::string::npos) << purged.out;
  EXPECT_EQ(messages_in(dead_letters), 0);
}

TEST_F(Dlq, ARequeueKilledMidwayLosesNothing) {
  constexpr int kJobs = 200;
  const std::string queue = create_queue("bulk");
  const std::string dead_letters = create_queue("bulk-dead");
  std::vector<JobToEnqueue> jobs;
  for (int i = 0; i < kJobs; ++i) jobs.push_back({"EchoJob", "[" + std::to_string(i) + "]", {}});
  std::set<std::string> sent_ids;
  for (const auto& r : client(dead_letters).enqueue_batch(jobs)) {
    ASSERT_TRUE(r) << r.error().describe();
    sent_ids.insert(r->job_id);
  }

  Process requeue({.program = EBWORKER_BINARY,
                   .args = {"dlq", "requeue", "--all", "--progress-every", "10", "--visibility-timeout", "2"},
                   .env = dlq_env(queue, dead_letters),
                   .workdir = dir_.path(),
                   .stdout_path = dir_ / "requeue.out",
                   .stderr_path = {}});
  ASSERT_TRUE(requeue.wait_for_line("examined", 20s)) << requeue.stdout_text();
  requeue.send_signal(SIGKILL);
  const auto status = requeue.wait_for_exit(5s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->signal, SIGKILL) << "it finished before the kill: " << requeue.stdout_text();

  // Every job is in the worker queue or back in the dead-letter queue (once its 2 s are out).
  std::set<std::string> found;
  collect_job_ids(queue, found);
  const bool all_found = eventually(
      [&] {
        collect_job_ids(dead_letters, found);
        return found.size() == sent_ids.size();
      },
      10s);
  EXPECT_TRUE(all_found) << found.size() << " of " << kJobs << " found; " << requeue.stdout_text();
  EXPECT_EQ(found, sent_ids);
}

// requeue sends a dead letter back as it was, but for the record of its failure: the body byte for
// byte and its attributes (the signature's among them), without ebworker-failure and
// ebworker-attempts.
TEST_F(Dlq, RequeueDropsTheFailureAttributesAndKeepsTheRest) {
  const std::string queue = create_queue("back");
  const std::string dead_letters = create_queue("back-dead");
  const std::string body = R"({"job_class":"EchoJob","job_id":"0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10","arguments":[1]})";
  OutgoingMessage dead{.body = body,
                       .attributes = {{"message-digest", "String", "d1g3st"},
                                      {"origin", "String", "ebworker"},
                                      {"ebworker-failure", "String", "job failed: boom"},
                                      {"ebworker-attempts", "Number", "3"},
                                      {"tenant", "String", "t-7"}}};
  ASSERT_TRUE(fauxqs_.sqs().send_message(dead_letters, dead));

  const auto run = dlq({"requeue", "--all", "--wait-time", "0"}, dlq_env(queue, dead_letters));
  ASSERT_TRUE(run.success()) << run.describe();
  auto got = fauxqs_.sqs().receive_messages(queue, {.max_messages = 10, .wait_seconds = 5});
  ASSERT_TRUE(got) << got.error().describe();
  ASSERT_EQ(got->size(), 1u);
  const ReceivedMessage& back = (*got)[0];
  EXPECT_EQ(back.body, body);
  std::map<std::string, std::string> attributes;
  for (const auto& a : back.message_attributes) attributes[a.name] = a.data_type + "=" + a.value;
  EXPECT_EQ(attributes, (std::map<std::string, std::string>{
                            {"message-digest", "String=d1g3st"}, {"origin", "String=ebworker"}, {"tenant", "String=t-7"}}));
  EXPECT_EQ(messages_in(dead_letters), 0);
}

// To a FIFO queue, requeue keeps a message's group (a FIFO dead-letter queue's), names one for a
// message that had none, and deduplicates by the dead letter's message id.
TEST_F(Dlq, RequeueToAFifoQueueSetsTheGroupAndDeduplicationIds) {
  const std::string queue = create_queue("orders.fifo");
  const std::string fifo_dead = create_queue("orders-dead.fifo");
  const std::string plain_dead = create_queue("plain-dead");
  const std::string body = R"({"job_class":"EchoJob","job_id":"0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10","arguments":[]})";
  auto grouped = fauxqs_.sqs().send_message(fifo_dead, {.body = body, .group_id = "tenant-7", .deduplication_id = "d-1"});
  ASSERT_TRUE(grouped) << grouped.error().describe();
  auto plain = fauxqs_.sqs().send_message(plain_dead, {.body = body + " "});
  ASSERT_TRUE(plain) << plain.error().describe();

  const auto from_fifo = dlq({"requeue", "--all", "--wait-time", "0"}, dlq_env(queue, fifo_dead));
  ASSERT_TRUE(from_fifo.success()) << from_fifo.describe();
  const auto from_plain = dlq({"requeue", "--all", "--wait-time", "0"}, dlq_env(queue, plain_dead));
  ASSERT_TRUE(from_plain.success()) << from_plain.describe();

  std::map<std::string, std::pair<std::string, std::string>> ids;  // body → group, deduplication id
  for (int i = 0; i < 10 && ids.size() < 2; ++i) {
    auto got = fauxqs_.sqs().receive_messages(queue, {.max_messages = 10, .wait_seconds = 1, .visibility_timeout = 60});
    ASSERT_TRUE(got) << got.error().describe();
    for (const auto& m : *got) ids[m.body] = {m.attributes.at("MessageGroupId"), m.attributes.at("MessageDeduplicationId")};
  }
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[body], std::make_pair(std::string("tenant-7"), "requeue-" + grouped->message_id));
  EXPECT_EQ(ids[body + " "], std::make_pair(std::string("ebworker-requeued"), "requeue-" + plain->message_id));
}

}  // namespace
}  // namespace ebworker::testing
