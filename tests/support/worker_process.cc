#include "support/worker_process.h"

#include <signal.h>

#include <charconv>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/temp_dir.h"

namespace ebworker::testing {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kWorkerPoll = 5ms;
constexpr std::string_view kWorkerListening = "listening on http://";

// "... listening on http://127.0.0.1:41234 (job processing on, ...)" → host and port.
bool parse_listening(std::string_view line, std::string& host, std::uint16_t& port) {
  const auto at = line.find(kWorkerListening);
  if (at == std::string_view::npos) return false;
  std::string_view rest = line.substr(at + kWorkerListening.size());
  rest = rest.substr(0, rest.find(' '));
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view digits = rest.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value == 0 || value > 65535) return false;
  host = std::string(rest.substr(0, colon));
  port = static_cast<std::uint16_t>(value);
  return true;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

WorkerProcess::WorkerProcess(Options options) : log_path_(options.dir / options.log_name) {
  process_ = std::make_unique<Process>(Process::Options{.program = options.binary,
                                                        .args = options.args,
                                                        .env = options.env,
                                                        .workdir = options.dir,
                                                        .stdout_path = log_path_,
                                                        .stderr_path = {}});
  const auto deadline = Clock::now() + options.startup_timeout;
  for (;;) {
    // Only whole lines count: the last one may still be half written.
    const std::string text = log();
    const std::string complete = text.substr(0, text.rfind('\n') + 1);
    for (const auto& line : split_lines(complete))
      if (parse_listening(line, host_, port_)) return;
    if (!process_->running())
      throw std::runtime_error("ebworker exited (" + process_->exit_status()->describe() +
                               ") before listening; its log:\n" + text);
    if (Clock::now() >= deadline) {
      process_->kill_and_reap();
      throw std::runtime_error("ebworker did not log \"listening on\" within " +
                               std::to_string(options.startup_timeout.count()) + " ms; its log:\n" + log());
    }
    std::this_thread::sleep_for(kWorkerPoll);
  }
}

WorkerProcess::~WorkerProcess() = default;

std::string WorkerProcess::url(std::string_view path) const {
  return "http://" + host_ + ":" + std::to_string(port_) + std::string(path);
}

std::string WorkerProcess::log() const { return read_file(log_path_); }

std::vector<std::string> WorkerProcess::log_lines() const { return split_lines(log()); }

std::optional<std::string> WorkerProcess::wait_for_line(const std::function<bool(std::string_view)>& match,
                                                        std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    for (const auto& line : log_lines())
      if (match(line)) return line;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kWorkerPoll);
  }
}

std::optional<std::string> WorkerProcess::wait_for_line(std::string_view substring,
                                                        std::chrono::milliseconds timeout) const {
  return wait_for_line([&](std::string_view line) { return line.find(substring) != std::string_view::npos; },
                       timeout);
}

std::vector<std::string> WorkerProcess::request_lines(std::string_view msgid) const {
  const std::string id = " msgid=" + std::string(msgid) + " ";
  std::vector<std::string> out;
  for (auto& line : log_lines())
    if (line.find(" status=") != std::string::npos && line.find(id) != std::string::npos)
      out.push_back(std::move(line));
  return out;
}

ExitStatus WorkerProcess::stop(std::chrono::milliseconds timeout) {
  if (process_->exit_status()) return *process_->exit_status();
  process_->send_signal(SIGTERM);
  if (auto s = process_->wait_for_exit(timeout)) return *s;
  return process_->kill_and_reap();
}

Environment worker_environment(const std::filesystem::path& dir, std::string_view key, const EnvChanges& changes) {
  Environment env = base_environment();
  env["SECRET_KEY_BASE"] = std::string(key);
  env["EBWORKER_PROCESS_JOBS"] = "true";
  env["PORT"] = "0";
  env["EBWORKER_CRON_FILE"] = (dir / "cron.yaml").string();
  env["ECHO_JOB_OUT"] = (dir / "echo.out").string();
  env["EBWORKER_LOG_LEVEL"] = "debug";
  for (const auto& [name, value] : changes) {
    if (value)
      env[name] = *value;
    else
      env.erase(name);
  }
  return env;
}

WorkerProcess& start_next_worker(std::vector<std::unique_ptr<WorkerProcess>>& workers,
                                 WorkerProcess::Options options) {
  options.log_name = "worker-" + std::to_string(workers.size()) + ".log";
  workers.push_back(std::make_unique<WorkerProcess>(std::move(options)));
  return *workers.back();
}

std::string sanitizer_reports(std::string_view log) {
  static constexpr std::string_view kMarkers[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                                  "runtime error:", "WARNING: ThreadSanitizer"};
  std::string out;
  for (const auto marker : kMarkers) {
    const auto at = log.find(marker);
    if (at != std::string_view::npos) out += std::string(log.substr(at, 4000)) + "\n";
  }
  return out;
}

}  // namespace ebworker::testing
