// `ebworker enqueue` as a user runs it: the real binary, configured by its environment only.

#include <gtest/gtest.h>

#include "envelope/uuid.h"
#include "fake_sqs.h"
#include "support/fauxqs_process.h"
#include "support/process.h"

namespace ebworker {
namespace {

// The command's exit code (-1 when it timed out or died of a signal), stdout and stderr.
struct EnqueueRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

EnqueueRun run_enqueue(const std::vector<std::string>& args, const Environment& extra_env) {
  auto env = testing::base_environment();
  for (const auto& [name, value] : extra_env) env[name] = value;
  std::vector<std::string> argv{"enqueue"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = testing::run_command(EBWORKER_BINARY, argv, env, std::chrono::seconds(20));
  const int code = result.status && result.status->exited ? result.status->code : -1;
  return {code, std::move(result.out), std::move(result.err)};
}

Environment env_for(const std::string& endpoint, const std::string& queue_url) {
  return {{"EBWORKER_QUEUE_URL", queue_url},
          {"AWS_ENDPOINT_URL_SQS", endpoint},
          {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
          {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
          {"SECRET_KEY_BASE", testing::kTestSecret},
          {"EBWORKER_SQS_MAX_ATTEMPTS", "1"}};
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(EnqueueCommand, PrintsTheMessageIdOfWhatSqsHolds) {
  testing::FauxqsProcess fauxqs;
  const std::string queue = fauxqs.create_queue("cli");
  const auto run = run_enqueue({"EchoJob", R"(["from the command line"])"}, env_for(fauxqs.endpoint(), queue));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_EQ(lines(run.out), 1) << run.out;
  const std::string message_id = run.out.substr(0, run.out.size() - 1);
  EXPECT_TRUE(is_uuid(message_id)) << message_id;

  auto got = fauxqs.sqs().receive_messages(queue, {.max_messages = 1, .wait_seconds = 1});
  ASSERT_TRUE(got) << got.error().describe();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].message_id, message_id);
  EXPECT_NE((*got)[0].body.find("from the command line"), std::string::npos);
}

TEST(EnqueueCommand, NonexistentQueueIsOneClearLine) {
  testing::FauxqsProcess fauxqs;
  const std::string queue = fauxqs.create_queue("present");
  const std::string missing = queue.substr(0, queue.rfind('/')) + "/absent-queue";
  const auto run = run_enqueue({"EchoJob", "--queue-url", missing}, env_for(fauxqs.endpoint(), queue));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("QueueDoesNotExist"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("absent-queue"), std::string::npos) << run.err;
}

// No SQS needed: these stop before any request.
const Environment kOffline = env_for("http://127.0.0.1:9", "http://127.0.0.1:9/000000000000/jobs");

TEST(EnqueueCommand, RefusedBeforeSending) {
  const auto run = run_enqueue({"EchoJob", "[]", "--delay", "400d"}, kOffline);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("cron.yaml"), std::string::npos) << run.err;
}

TEST(EnqueueCommand, UsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"EchoJob", "--delay", "soon"}, {"EchoJob", "--delay"}, {"EchoJob", "--bogus", "x"}, {"A", "[]", "extra"}}) {
    const auto run = run_enqueue(args, kOffline);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_EQ(lines(run.err), 1) << run.err;
  }
}

TEST(EnqueueCommand, MissingSecretIsNamed) {
  const auto run = run_enqueue({"EchoJob"}, {{"EBWORKER_QUEUE_URL", "http://127.0.0.1:9/000000000000/jobs"}});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(lines(run.err), 1) << run.err;
  EXPECT_NE(run.err.find("SECRET_KEY_BASE"), std::string::npos) << run.err;
}

TEST(EnqueueCommand, HelpListsTheVariables) {
  const auto run = run_enqueue({"--help"}, kOffline);
  EXPECT_EQ(run.exit_code, 0);
  for (const char* name : {"EBWORKER_QUEUE_URL", "SECRET_KEY_BASE", "EBWORKER_MAX_MESSAGE_BYTES",
                           "EBWORKER_SQS_MAX_ATTEMPTS", "AWS_ENDPOINT_URL_SQS", "--group-id"})
    EXPECT_NE(run.out.find(name), std::string::npos) << name;
}

// A password in a URL is never printed: a queue URL holding one is refused without quoting it, and
// a transport error names the endpoint without it.
TEST(EnqueueCommand, CredentialsInUrlsAreNeverPrinted) {
  Environment with_queue = kOffline;
  with_queue["EBWORKER_QUEUE_URL"] = "http://user:s3cret@127.0.0.1:9/000000000000/jobs";
  const auto refused = run_enqueue({"EchoJob"}, with_queue);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("http://***@127.0.0.1:9/000000000000/jobs"), std::string::npos) << refused.err;
  EXPECT_EQ((refused.out + refused.err).find("s3cret"), std::string::npos) << refused.err;

  Environment with_endpoint = kOffline;
  with_endpoint["AWS_ENDPOINT_URL_SQS"] = "http://user:s3cret@127.0.0.1:9";
  const auto unreachable = run_enqueue({"EchoJob"}, with_endpoint);
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_NE(unreachable.err.find("***@127.0.0.1:9"), std::string::npos) << unreachable.err;
  EXPECT_EQ((unreachable.out + unreachable.err).find("s3cret"), std::string::npos) << unreachable.err;
}

}  // namespace
}  // namespace ebworker
