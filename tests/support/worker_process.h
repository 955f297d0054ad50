#pragma once
// `ebworker serve` as a child process: started with a given environment in a given directory,
// stdout and stderr in one log file, and ready once its "listening on http://HOST:PORT" line is
// in the log (polled with a deadline). With PORT=0 the port comes from that line.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.h"

namespace ebworker::testing {

using namespace std::chrono_literals;

class WorkerProcess {
 public:
  struct Options {
    std::string binary = EBWORKER_BINARY;
    std::vector<std::string> args = {"serve"};
    Environment env;
    std::filesystem::path dir;  // working directory; the log file goes here too
    std::string log_name = "worker.log";
    std::chrono::milliseconds startup_timeout = 20s;
  };

  // Starts the process and waits for its "listening on" line. Throws std::runtime_error, with
  // the log, if it exits first or the line does not come in time.
  explicit WorkerProcess(Options options);
  ~WorkerProcess();  // kills it if still running

  std::uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }  // as printed: "127.0.0.1", "[::1]"
  std::string url(std::string_view path = "/") const;

  std::string log() const;
  std::vector<std::string> log_lines() const;
  // Polls the log until a line satisfies `match`; returns that line, or nullopt at the deadline.
  std::optional<std::string> wait_for_line(const std::function<bool(std::string_view)>& match,
                                           std::chrono::milliseconds timeout) const;
  std::optional<std::string> wait_for_line(std::string_view substring, std::chrono::milliseconds timeout) const;

  // The request log lines ("... status=NNN msgid=ID ...") of one message id.
  std::vector<std::string> request_lines(std::string_view msgid) const;

  void send_signal(int signal) { process_->send_signal(signal); }
  std::optional<ExitStatus> wait_for_exit(std::chrono::milliseconds timeout) {
    return process_->wait_for_exit(timeout);
  }
  bool running() { return process_->running(); }
  pid_t pid() const { return process_->pid(); }
  const std::optional<ExitStatus>& exit_status() const { return process_->exit_status(); }
  // SIGTERM, then up to `timeout` for a graceful exit, then SIGKILL.
  ExitStatus stop(std::chrono::milliseconds timeout = 10s);

 private:
  std::filesystem::path log_path_;
  std::unique_ptr<Process> process_;
  std::string host_;
  std::uint16_t port_ = 0;
};

// Sanitizer or runtime-error reports in a log, or "" when there are none.
std::string sanitizer_reports(std::string_view log);

// Changes to an environment: a value sets a variable, nullopt removes it.
using EnvChanges = std::map<std::string, std::optional<std::string>>;

// How the tests' workers run, in a test's directory `dir` and signing with `key`:
// base_environment() plus SECRET_KEY_BASE=key, EBWORKER_PROCESS_JOBS=true, PORT=0,
// EBWORKER_CRON_FILE=<dir>/cron.yaml, ECHO_JOB_OUT=<dir>/echo.out, EBWORKER_LOG_LEVEL=debug,
// then `changes`. (The integration and e2e fixtures differ only in the key, and e2e's shutdown
// timeout, which it passes as a change.)
Environment worker_environment(const std::filesystem::path& dir, std::string_view key,
                               const EnvChanges& changes = {});

// Starts `options` (its env and dir set; its log named here, worker-N.log for the N-th) as the
// next of a test's `workers`, and returns it once it listens (throws, with its log, if not).
WorkerProcess& start_next_worker(std::vector<std::unique_ptr<WorkerProcess>>& workers,
                                 WorkerProcess::Options options);

}  // namespace ebworker::testing
