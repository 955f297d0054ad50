// `ebworker dev` as the README has a user run it: the whole local stack in one command. It
// prints the SQS endpoint and the queue URLs and shows the demo job done; another command
// (`ebworker enqueue`) can use that queue; Ctrl-C (SIGINT) stops it all, removes the session's
// directory and it exits 0. (deploy.installed_package runs an app's own `dev --once` with the
// env file it writes.)

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <regex>

#include "e2e/support/local_stack.h"

namespace ebworker::testing {
namespace {

// A port nothing listens on now (the kernel's pick for an ephemeral bind, released at once).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("cannot find a free port");
  ::close(fd);
  return ntohs(a.sin_port);
}

// True when something accepts connections on 127.0.0.1:port.
bool listening(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (fd >= 0) ::close(fd);
  return ok;
}

// The word after `key` in `line` ("… saved in /tmp/x/secret" → "/tmp/x/secret").
std::string word_after(const std::string& line, const std::string& key) {
  const auto at = line.find(key);
  if (at == std::string::npos) return {};
  const auto start = at + key.size();
  return line.substr(start, line.find(' ', start) - start);
}

// The command runs its own fauxqs, worker and daemon: only a directory is needed.
class DevCommand : public ::testing::Test {
 protected:
  std::string echo_output() const { return read_file(dir_ / "echo.out"); }
  TempDir dir_{"ebworker-e2e-dev"};
};

TEST_F(DevCommand, RunsTheStackTakesJobsAndStopsOnCtrlC) {
  const std::uint16_t port = free_port();
  std::uint16_t sqs_port = free_port();
  while (sqs_port == port) sqs_port = free_port();
  const auto out = dir_ / "dev.log";
  Environment env = base_environment();
  env["TMPDIR"] = dir_.path().string();  // its generated secret and files stay in the test's directory
  env["ECHO_JOB_OUT"] = (dir_ / "echo.out").string();
  env["EBWORKER_FAUXQS_LAUNCHER"] = std::string(EBWORKER_SOURCE_DIR) + "/scripts/fauxqs.mjs";
  Process dev({.program = EBWORKER_BINARY,
               .args = {"dev", "--port", std::to_string(port), "--sqs-port", std::to_string(sqs_port)},
               .env = env,
               .workdir = dir_.path(),  // no cron.yaml here: no periodic tasks
               .stdout_path = out,
               .stderr_path = {}});

  const auto done = dev.wait_for_line("demo job", 60s);
  ASSERT_TRUE(done) << read_file(out);
  EXPECT_NE(done->find(") done: EchoJob wrote"), std::string::npos) << *done;
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(sqs_port);
  const auto urls = dev.wait_for_line("SQS endpoint", 1s);
  ASSERT_TRUE(urls) << read_file(out);
  EXPECT_EQ(word_after(*urls, "SQS endpoint "), endpoint);
  const std::string queue = word_after(*urls, "  queue ");
  EXPECT_EQ(queue, "http://sqs.us-east-1.localhost:" + std::to_string(sqs_port) + "/000000000000/ebworker-jobs");
  EXPECT_EQ(word_after(*urls, "dead-letter queue "), queue + "-dead-letters");
  const auto secret_line = dev.wait_for_line("SECRET_KEY_BASE is not set", 1s);
  ASSERT_TRUE(secret_line) << read_file(out);
  const std::filesystem::path secret_path = word_after(*secret_line, "saved in ");
  const std::string secret = read_file(secret_path);
  ASSERT_GE(secret.size(), 32u) << *secret_line;
  EXPECT_TRUE(listening(port));
  EXPECT_TRUE(listening(sqs_port));

  // Another terminal enqueues into it, configured as the README shows.
  Environment enqueue_env = base_environment();
  enqueue_env["AWS_ENDPOINT_URL_SQS"] = endpoint;
  enqueue_env["EBWORKER_QUEUE_URL"] = queue;
  enqueue_env["SECRET_KEY_BASE"] = secret;
  enqueue_env["AWS_ACCESS_KEY_ID"] = "local";
  enqueue_env["AWS_SECRET_ACCESS_KEY"] = "local";
  const auto enqueued = run_command(EBWORKER_BINARY, {"enqueue", "EchoJob", R"(["from another terminal"])"},
                                    enqueue_env, 20s);
  ASSERT_TRUE(enqueued.success()) << enqueued.describe();
  const std::string message_id = enqueued.out.substr(0, enqueued.out.find('\n'));
  const auto performed = [&] { return echo_output().find(R"(["from another terminal"])") != std::string::npos; };
  EXPECT_TRUE(eventually(performed, 20s))
      << echo_output() << "\n" << read_file(out);
  EXPECT_TRUE(dev.wait_for_line("POST / status=200 msgid=" + message_id + " job=EchoJob", 5s)) << read_file(out);

  dev.send_signal(SIGINT);
  const auto exited = dev.wait_for_exit(30s);
  ASSERT_TRUE(exited) << "still running 30 s after SIGINT:\n" << read_file(out);
  EXPECT_TRUE(exited->success()) << exited->describe() << "\n" << read_file(out);
  EXPECT_FALSE(listening(sqs_port)) << "fauxqs still listens";
  EXPECT_FALSE(listening(port)) << "the worker still listens";
  EXPECT_FALSE(std::filesystem::exists(secret_path.parent_path())) << "the session's directory is left";
  EXPECT_EQ(sanitizer_reports(read_file(out)), "");
}

}  // namespace
}  // namespace ebworker::testing
