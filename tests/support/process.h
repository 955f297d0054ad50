#pragma once
// A child process started with fork/exec, with exactly the environment it is given, its output
// going to files. Waiting is bounded: every wait takes a timeout. The destructor kills a child
// that is still running (SIGKILL) and reaps it.
//
// The child gets PR_SET_PDEATHSIG(SIGKILL), so it dies with the thread that spawned it: spawn
// from the test's own thread, not from a short-lived helper thread.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/environment.h>

namespace ebworker::testing {

// A child's environment is an ebworker::Environment (<ebworker/environment.h>), the type the
// library's own code takes: one type of that name, not a second map beside it.

// PATH, plus the sanitizer and TMPDIR variables of this process when set, and
// AWS_EC2_METADATA_DISABLED=true; nothing else, so a child never inherits (say) a
// SECRET_KEY_BASE or a proxy from whoever runs the tests, nor reaches the metadata service.
Environment base_environment();

struct ExitStatus {
  bool exited = false;  // true: `code` holds the exit code; false: killed by `signal`
  int code = -1;
  int signal = 0;

  bool success() const { return exited && code == 0; }
  std::string describe() const;
};

class Process {
 public:
  struct Options {
    std::string program;
    std::vector<std::string> args;  // without argv[0]
    Environment env;
    std::filesystem::path workdir;          // empty: inherit
    std::filesystem::path stdout_path;      // required
    std::filesystem::path stderr_path;      // empty: stderr goes to stdout_path too
  };

  // Throws std::runtime_error when the program cannot be started.
  explicit Process(Options options);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // False once the child has exited (and was reaped).
  bool running();
  void send_signal(int signal);
  // The exit status, or nullopt if still running when the timeout passed.
  std::optional<ExitStatus> wait_for_exit(std::chrono::milliseconds timeout);
  // Kills (SIGKILL) if still running and reaps.
  ExitStatus kill_and_reap();
  const std::optional<ExitStatus>& exit_status() const { return status_; }

  std::string stdout_text() const;
  // Only when stderr was given its own file; otherwise "" (it is in stdout_text()).
  std::string stderr_text() const;

  // Polls the stdout file until a complete line satisfies `match` and returns it; nullopt when
  // the timeout passes, or when the child has exited without printing such a line.
  std::optional<std::string> wait_for_line(const std::function<bool(std::string_view)>& match,
                                           std::chrono::milliseconds timeout);
  std::optional<std::string> wait_for_line(std::string_view substring, std::chrono::milliseconds timeout);

 private:
  bool reap(bool block);

  Options options_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

// Runs a command to completion (killed after `timeout`), capturing stdout and stderr.
struct CommandResult {
  std::optional<ExitStatus> status;  // nullopt: timed out and killed
  std::string out;
  std::string err;

  bool success() const { return status && status->success(); }
  std::string describe() const;  // status and both outputs, for failure messages
};

CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const Environment& env, std::chrono::milliseconds timeout);

}  // namespace ebworker::testing
