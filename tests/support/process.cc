#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "support/temp_dir.h"

namespace ebworker::testing {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kProcessPoll = std::chrono::milliseconds(5);

// Everything the child needs, laid out before fork(): after it, only async-signal-safe calls.
struct ExecPlan {
  std::vector<std::string> strings;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

// "ip" → "/usr/sbin/ip", searched in the child's PATH; a name with a slash is kept as is.
std::string resolve(const std::string& program, const Environment& env) {
  if (program.find('/') != std::string::npos) return program;
  const auto it = env.find("PATH");
  const std::string path = it != env.end() ? it->second : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string candidate = path.substr(start, end - start) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return program;  // execve fails with ENOENT, reported as such
}

ExecPlan plan(const Process::Options& o) {
  ExecPlan p;
  p.strings.push_back(resolve(o.program, o.env));
  for (const auto& a : o.args) p.strings.push_back(a);
  const size_t argc = p.strings.size();
  for (const auto& [k, v] : o.env) p.strings.push_back(k + "=" + v);
  for (size_t i = 0; i < argc; ++i) p.argv.push_back(p.strings[i].data());
  p.argv.push_back(nullptr);
  for (size_t i = argc; i < p.strings.size(); ++i) p.envp.push_back(p.strings[i].data());
  p.envp.push_back(nullptr);
  return p;
}

[[noreturn]] void child_fail(int report_fd, int err) {
  [[maybe_unused]] auto n = ::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

}  // namespace

Environment base_environment() {
  Environment env;
  const char* path = std::getenv("PATH");
  env["PATH"] = path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const char* name : {"TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "ASAN_SYMBOLIZER_PATH"})
    if (const char* v = std::getenv(name)) env[name] = v;
  // A safety net: no child of a test ever asks the real instance metadata service. A test of
  // that path points AWS_EC2_METADATA_SERVICE_ENDPOINT at a server of its own and clears this.
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  return env;
}

std::string ExitStatus::describe() const {
  if (exited) return "exit code " + std::to_string(code);
  return std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")";
}

Process::Process(Options options) : options_(std::move(options)) {
  ExecPlan p = plan(options_);
  const std::string out_path = options_.stdout_path.string();
  const std::string err_path = options_.stderr_path.string();
  const std::string dir = options_.workdir.string();

  // exec failures are reported through a close-on-exec pipe: EOF means exec succeeded.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    ::close(report[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (out < 0) child_fail(report[1], errno);
    int err = out;
    if (!err_path.empty()) {
      err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
      if (err < 0) child_fail(report[1], errno);
    }
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in < 0 || ::dup2(null_in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
      child_fail(report[1], errno);
    if (!dir.empty() && ::chdir(dir.c_str()) != 0) child_fail(report[1], errno);
    ::execve(p.argv[0], p.argv.data(), p.envp.data());
    child_fail(report[1], errno);
  }
  ::close(report[1]);
  pid_ = pid;
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n > 0) {
    reap(true);
    throw std::runtime_error("cannot start " + options_.program + ": " + std::strerror(child_errno));
  }
}

Process::~Process() {
  if (pid_ > 0 && !status_) kill_and_reap();
}

bool Process::reap(bool block) {
  if (status_) return true;
  int raw = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &raw, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  ExitStatus s;
  s.exited = WIFEXITED(raw);
  s.code = s.exited ? WEXITSTATUS(raw) : -1;
  s.signal = WIFSIGNALED(raw) ? WTERMSIG(raw) : 0;
  status_ = s;
  return true;
}

bool Process::running() { return !reap(false); }

void Process::send_signal(int signal) {
  if (!status_) ::kill(pid_, signal);
}

std::optional<ExitStatus> Process::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!reap(false)) {
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kProcessPoll);
  }
  return status_;
}

ExitStatus Process::kill_and_reap() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  return *status_;
}

std::string Process::stdout_text() const { return read_file(options_.stdout_path); }

std::string Process::stderr_text() const {
  return options_.stderr_path.empty() ? std::string() : read_file(options_.stderr_path);
}

std::optional<std::string> Process::wait_for_line(const std::function<bool(std::string_view)>& match,
                                                  std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const bool ended = !running();  // checked before reading: what it printed is all there
    const std::string text = stdout_text();
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
      const std::string_view line(text.data() + start, end - start);
      if (match(line)) return std::string(line);
    }
    if (ended || Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kProcessPoll);
  }
}

std::optional<std::string> Process::wait_for_line(std::string_view substring, std::chrono::milliseconds timeout) {
  return wait_for_line([&](std::string_view line) { return line.find(substring) != std::string_view::npos; },
                       timeout);
}

std::string CommandResult::describe() const {
  return (status ? status->describe() : std::string("timed out")) + "\n--- stdout:\n" + out +
         "\n--- stderr:\n" + err;
}

CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const Environment& env, std::chrono::milliseconds timeout) {
  TempDir dir("ebworker-cmd");
  Process p({.program = program,
             .args = args,
             .env = env,
             .workdir = {},
             .stdout_path = dir / "stdout",
             .stderr_path = dir / "stderr"});
  CommandResult r;
  r.status = p.wait_for_exit(timeout);
  if (!r.status) p.kill_and_reap();
  r.out = p.stdout_text();
  r.err = p.stderr_text();
  return r;
}

}  // namespace ebworker::testing
