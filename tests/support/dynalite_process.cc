#include "support/dynalite_process.h"

#include <charconv>
#include <stdexcept>
#include <thread>

#include "support/fauxqs_process.h"

namespace ebworker::testing {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kDynaliteListening = "dynalite listening on http://127.0.0.1:";

// The port of a complete "dynalite listening on http://127.0.0.1:PORT" line, or 0.
std::uint16_t dynalite_port(const std::string& output) {
  const auto at = output.find(kDynaliteListening);
  if (at == std::string::npos) return 0;
  const auto digits = at + kDynaliteListening.size();
  const auto end = output.find('\n', digits);
  if (end == std::string::npos) return 0;
  unsigned value = 0;
  const auto [p, ec] = std::from_chars(output.data() + digits, output.data() + end, value);
  if (ec != std::errc() || value == 0 || value > 65535) return 0;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

DynaliteProcess::DynaliteProcess() {
  try {
    process_ = std::make_unique<Process>(
        Process::Options{.program = "node",
                         .args = {std::string(EBWORKER_SOURCE_DIR) + "/scripts/dynalite.mjs", "0"},
                         .env = base_environment(),
                         .workdir = dir_.path(),
                         .stdout_path = dir_ / "dynalite.log",
                         .stderr_path = {}});
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + " (is node on PATH? run scripts/setup.sh)");
  }
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  std::uint16_t port = 0;
  while ((port = dynalite_port(output())) == 0) {
    if (!process_->running())
      throw std::runtime_error("dynalite exited (" + process_->exit_status()->describe() +
                               ") before listening (node_modules missing? run scripts/setup.sh): " + output());
    if (Clock::now() >= deadline) {
      process_->kill_and_reap();
      throw std::runtime_error("dynalite did not listen within 20 s: " + output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  endpoint_ = "http://127.0.0.1:" + std::to_string(port) + "/";
  DynamoClientOptions options;
  options.credentials = fauxqs_credentials();  // static keys: dynalite checks none
  options.endpoint = {endpoint_, "us-east-1"};
  options.retry.max_attempts = 1;
  client_ = std::make_shared<DynamoClient>(std::move(options));
}

DynaliteProcess::~DynaliteProcess() = default;

std::shared_ptr<const LeaseTable> DynaliteProcess::table(const std::string& name, bool create) const {
  auto table = std::make_shared<LeaseTable>(client_, name);
  if (create)
    if (auto ready = table->ensure_ready(true, std::chrono::seconds(10)); !ready)
      throw std::runtime_error(ready.error().message);
  return table;
}

}  // namespace ebworker::testing
