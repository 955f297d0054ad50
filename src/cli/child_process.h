#pragma once
// A helper process the dev stack runs (the local SQS): its output lines go to our log with a
// prefix, a line it prints can be waited for, and it is stopped with SIGTERM when this object
// goes (and killed by the kernel if we die first).

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <ebworker/result.h>

namespace ebworker {

class ChildProcess {
 public:
  static Result<std::unique_ptr<ChildProcess>> start(const std::vector<std::string>& argv, std::string log_prefix);
  ~ChildProcess();  // SIGTERM, then SIGKILL after 5 s
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The first output line containing `text`, or nullopt if the process ended or time ran out.
  std::optional<std::string> wait_for_line(std::string_view text, std::chrono::milliseconds timeout);

 private:
  ChildProcess(pid_t pid, int output, std::string log_prefix);
  void read_output();

  pid_t pid_;
  int output_;
  std::string prefix_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool ended_ = false;
  std::thread reader_;
};

}  // namespace ebworker
