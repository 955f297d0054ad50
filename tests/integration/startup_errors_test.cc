// A bad configuration stops `ebworker serve` before it listens: exit code 2 and a message on
// stderr naming what to fix.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class StartupErrors : public WorkerTest {
 protected:
  // Runs `ebworker serve` to completion with the default worker environment plus `changes`.
  CommandResult serve(const EnvChanges& changes) {
    Process p({.program = EBWORKER_BINARY,
               .args = {"serve"},
               .env = worker_env(changes),
               .workdir = dir_.path(),
               .stdout_path = dir_ / "stdout",
               .stderr_path = dir_ / "stderr"});
    CommandResult r;
    r.status = p.wait_for_exit(10s);
    if (!r.status) p.kill_and_reap();
    r.out = p.stdout_text();
    r.err = p.stderr_text();
    return r;
  }

  void expect_startup_error(const CommandResult& r, const std::string& text) {
    ASSERT_TRUE(r.status) << "did not exit within 10 s:\n" << r.describe();
    EXPECT_TRUE(r.status->exited && r.status->code == 2) << r.describe();
    EXPECT_NE(r.err.find(text), std::string::npos) << "stderr does not say \"" << text << "\":\n" << r.describe();
    EXPECT_EQ(r.out.find("listening on"), std::string::npos) << r.describe();
    EXPECT_EQ(sanitizer_reports(r.err), "");
  }
};

TEST_F(StartupErrors, ProcessingWithoutSecretKeyBase) {
  expect_startup_error(serve({{"SECRET_KEY_BASE", std::nullopt}}), "SECRET_KEY_BASE is not set");
}

TEST_F(StartupErrors, SecretKeyBaseTooShort) {
  expect_startup_error(serve({{"SECRET_KEY_BASE", "0123456789"}}), "SECRET_KEY_BASE is shorter than 32 bytes");
}

TEST_F(StartupErrors, CronScheduleWithSecondsField) {
  write_cron(
      "version: 1\n"
      "cron:\n"
      "  - name: \"EchoJob\"\n"
      "    url: \"/periodic_tasks\"\n"
      "    schedule: \"*/30 * * * * *\"\n");
  const auto r = serve({});
  expect_startup_error(r, (dir_ / "cron.yaml").string() + ":5: ");
  EXPECT_NE(r.err.find("seconds"), std::string::npos) << r.describe();
}

TEST_F(StartupErrors, PortNotANumber) {
  const auto r = serve({{"PORT", "abc"}});
  expect_startup_error(r, "PORT: ");
  EXPECT_NE(r.err.find("\"abc\""), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace ebworker::testing
