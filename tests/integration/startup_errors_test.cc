// A bad configuration stops `ebworker serve` before it listens: exit code 2 and a message on
// stderr naming what to fix (WorkerTest::expect_startup_error).

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class StartupErrors : public WorkerTest {};

TEST_F(StartupErrors, ProcessingWithoutSecretKeyBase) {
  expect_startup_error(serve_to_exit({{"SECRET_KEY_BASE", std::nullopt}}), "SECRET_KEY_BASE is not set");
}

TEST_F(StartupErrors, SecretKeyBaseTooShort) {
  expect_startup_error(serve_to_exit({{"SECRET_KEY_BASE", "0123456789"}}), "SECRET_KEY_BASE is shorter than 32 bytes");
}

TEST_F(StartupErrors, CronScheduleWithSecondsField) {
  write_cron(
      "version: 1\n"
      "cron:\n"
      "  - name: \"EchoJob\"\n"
      "    url: \"/periodic_tasks\"\n"
      "    schedule: \"*/30 * * * * *\"\n");
  const auto r = serve_to_exit({});
  expect_startup_error(r, (dir_ / "cron.yaml").string() + ":5: ");
  EXPECT_NE(r.err.find("seconds"), std::string::npos) << r.describe();
}

TEST_F(StartupErrors, PortNotANumber) {
  const auto r = serve_to_exit({{"PORT", "abc"}});
  expect_startup_error(r, "PORT: ");
  EXPECT_NE(r.err.find("\"abc\""), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace ebworker::testing
