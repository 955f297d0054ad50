#pragma once
// The local stack as real processes, for one test: fauxqs on 127.0.0.1 (started by the fixture),
// then whichever `ebworker serve` workers and `ebworker sqsd` daemons the test starts, each
// with its log file in the test's temporary directory. Every wait polls a log, a file or the
// queue against a deadline. At the end every daemon, then every worker, still running is sent
// SIGTERM and must exit 0, and no log may hold a sanitizer report.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/client/client.h>

#include "support/eventually.h"
#include "support/fauxqs_process.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/worker_process.h"

namespace ebworker::testing {

using namespace std::chrono_literals;

// SECRET_KEY_BASE of the tests' workers and clients.
inline constexpr std::string_view kE2eKey = "e2e-test-key-0123456789abcdef-0123456789abcdef";

// The worker's cron.yaml: EchoJob is a periodic task at /periodic_tasks (the tests send its
// messages themselves; no daemon here is the cron leader).
inline constexpr std::string_view kE2eCron =
    "version: 1\n"
    "cron:\n"
    "  - name: \"EchoJob\"\n"
    "    url: \"/periodic_tasks\"\n"
    "    schedule: \"*/5 * * * *\"\n";

// Lines of `text` containing every one of `needles`.
std::vector<std::string> lines_with(std::string_view text, std::initializer_list<std::string_view> needles);

class LocalStackTest : public ::testing::Test {
 protected:
  LocalStackTest();
  void TearDown() override;

  // A queue's URL as fauxqs names it (for queues `sqsd --create-queues` makes).
  std::string queue_url_for(std::string_view name) const;
  std::string create_queue(const std::string& name, std::map<std::string, std::string> attributes = {});

  // worker_environment() (support/worker_process.h) of the test's directory and kE2eKey, with
  // EBWORKER_SHUTDOWN_TIMEOUT=10, then `changes`.
  Environment worker_env(const EnvChanges& changes = {}) const;
  // `serve` of the tests' app (the example jobs plus the fixtures, tests/support/jobs/).
  WorkerProcess& start_worker(const EnvChanges& changes = {});

  // `serve` polling `queue_url` itself (no sqsd): worker_env() plus fauxqs as the SQS endpoint
  // and static AWS keys, EBWORKER_SQSD_QUEUE_URL, 1 s long polls and not the cron leader, then
  // `changes`; returns once it logged "sqsd polling" (throws, with its log, if not within 20 s).
  WorkerProcess& start_polling_worker(const std::string& queue_url, const EnvChanges& changes = {});

  // base_environment() plus fauxqs as the SQS endpoint and static AWS keys.
  Environment sqsd_env() const;
  // A client command's (`ebworker enqueue`, `ebworker dlq`): sqsd_env() plus the region, the queue
  // to send to and the worker's key.
  Environment client_command_env(const std::string& queue_url) const;
  // `ebworker sqsd --queue-url URL --worker-url URL --wait-time 1 --leader=false
  // --log-level=debug` then `args` (later flags win), in the test's directory, with sqsd_env()
  // changed by `env_changes`; returns once it logged "sqsd polling" (throws, with its log, if it
  // exits or does not within 20 s).
  Process& start_sqsd(const std::string& queue_url, const std::string& worker_url,
                      const std::vector<std::string>& args = {}, const EnvChanges& env_changes = {});
  std::string sqsd_log(size_t index = 0) const;

  // An enqueue client for `queue_url` on fauxqs, signing with kE2eKey; `edit` changes its config.
  Client client(const std::string& queue_url, const std::function<void(ClientConfig&)>& edit = {}) const;

  std::string echo_output() const { return read_file(dir_ / "echo.out"); }

  // ApproximateNumberOfMessages + ApproximateNumberOfMessagesNotVisible (+ Delayed).
  int messages_in(const std::string& queue_url) const;
  // Receives from `queue_url` until a message satisfying `match` arrives: long polls of 1 s,
  // within `timeout`. Messages that don't match are made visible again.
  std::optional<ReceivedMessage> receive_one(const std::string& queue_url,
                                             const std::function<bool(const ReceivedMessage&)>& match,
                                             std::chrono::milliseconds timeout) const;

  TempDir dir_{"ebworker-e2e"};
  FauxqsProcess fauxqs_;
  std::vector<std::unique_ptr<WorkerProcess>> workers_;
  std::vector<std::unique_ptr<Process>> sqsds_;
  std::vector<std::filesystem::path> sqsd_logs_;
};

}  // namespace ebworker::testing
