#pragma once
// A child process for the tests (fauxqs, the ebworker command): started with fork/exec with
// exactly the environment given, its stdout and stderr read through pipes. Every wait is bounded
// by a deadline and done with poll(), never by sleeping. The child dies with the thread that
// started it (PR_SET_PDEATHSIG); the destructor kills one still running and reaps it.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebworker::testing {

class ChildProcess {
 public:
  // `env` entries are "NAME=value". Throws std::runtime_error when the program can't start.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::vector<std::string>& env);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads stdout until a line containing `needle` arrives; returns that line, or nullopt when
  // the deadline passes or the output ends first.
  std::optional<std::string> wait_for_line(std::string_view needle, std::chrono::milliseconds timeout);

  struct Finished {
    std::optional<int> exit_code;  // nullopt: did not exit by itself in time (killed), or a signal
    std::string out;
    std::string err;
  };
  // Reads both outputs to their end and reaps the child; kills it if the deadline passes.
  Finished finish(std::chrono::milliseconds timeout);

  // What has been read so far (for failure messages).
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  // Reads whatever is ready within `timeout`; false when both pipes are at their end.
  bool pump(std::chrono::milliseconds timeout);
  void kill_and_reap();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  std::size_t scanned_ = 0;  // wait_for_line has looked at out_ up to here
  std::optional<int> exit_code_;
  bool reaped_ = false;
};

// The absolute path of `name` found on PATH, or "" when it is not there.
std::string find_on_path(const std::string& name);

// "PATH=…" plus the sanitizer variables of this process, when set: a child's base environment.
std::vector<std::string> base_child_environment();

}  // namespace ebworker::testing
