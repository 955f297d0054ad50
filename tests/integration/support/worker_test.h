#pragma once
// The base fixture: each test gets its own temp directory, a cron.yaml it controls, and workers
// started on port 0 with the test key. At the end every worker still running is stopped with
// SIGTERM and must exit 0, and no worker's log may hold a sanitizer report.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "support/http_post.h"
#include "support/process.h"
#include "support/sqsd_message.h"
#include "support/temp_dir.h"
#include "support/worker_process.h"

namespace ebworker::testing {

// The default cron.yaml: EchoJob is a declared periodic task, nothing else is.
inline constexpr std::string_view kDefaultCron =
    "version: 1\n"
    "cron:\n"
    "  - name: \"EchoJob\"\n"
    "    url: \"/periodic_tasks\"\n"
    "    schedule: \"*/5 * * * *\"\n";

class WorkerTest : public ::testing::Test {
 protected:
  WorkerTest();
  void TearDown() override;

  // worker_environment() (support/worker_process.h) of the test's directory and kTestKey.
  Environment worker_env(const EnvChanges& changes = {}) const;
  // Starts a worker and waits until it listens (throws, with its log, if it does not).
  WorkerProcess& start_worker(const EnvChanges& changes = {});

  void write_cron(std::string_view yaml) const { write_file(dir_ / "cron.yaml", yaml); }
  std::string echo_output() const { return read_file(dir_ / "echo.out"); }

  HttpResult send(const WorkerProcess& worker, const SqsdMessage& message, std::string_view path = "/");

  // Runs `binary serve` to completion (killed after 20 s) in the test's directory with
  // worker_env(changes), stdout and stderr apart: for a worker that must not start.
  CommandResult serve_to_exit(const EnvChanges& changes, const std::string& binary = EBWORKER_BINARY);
  // It exited with code 2 before listening, saying `text` on stderr, with no sanitizer report.
  static void expect_startup_error(const CommandResult& r, const std::string& text);

  // The worker logged exactly one request line for `msgid`, with `status=NNN` and (when given)
  // `reason` in it. Waits (bounded) for the line to appear.
  ::testing::AssertionResult logged_once(const WorkerProcess& worker, std::string_view msgid, int status,
                                         std::string_view reason = {});

  TempDir dir_;
  Signer signer_ = make_signer();
  std::vector<std::unique_ptr<WorkerProcess>> workers_;
};

}  // namespace ebworker::testing
