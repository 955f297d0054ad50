#include "support/fauxqs_process.h"

#include <charconv>
#include <stdexcept>
#include <thread>

namespace ebworker::testing {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kFauxqsListening = "fauxqs listening on http://127.0.0.1:";
constexpr auto kStartupTimeout = std::chrono::seconds(20);
constexpr auto kFauxqsPoll = std::chrono::milliseconds(10);

// The port of a complete "fauxqs listening on http://127.0.0.1:PORT" line, or 0.
std::uint16_t fauxqs_port(const std::string& output) {
  const auto at = output.find(kFauxqsListening);
  if (at == std::string::npos) return 0;
  const auto digits = at + kFauxqsListening.size();
  const auto end = output.find('\n', digits);
  if (end == std::string::npos) return 0;  // not the whole line yet
  unsigned value = 0;
  const auto [p, ec] = std::from_chars(output.data() + digits, output.data() + end, value);
  if (ec != std::errc() || value == 0 || value > 65535) return 0;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::shared_ptr<CredentialsProvider> fauxqs_credentials() {
  return static_credentials({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt});
}

FauxqsProcess::FauxqsProcess() {
  Environment env = base_environment();
  env["AWS_REGION"] = "us-east-1";
  try {
    process_ = std::make_unique<Process>(
        Process::Options{.program = "node",
                         .args = {std::string(EBWORKER_SOURCE_DIR) + "/scripts/fauxqs.mjs", "0"},
                         .env = env,
                         .workdir = dir_.path(),
                         .stdout_path = dir_ / "fauxqs.log",
                         .stderr_path = {}});
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + " (is node on PATH? run scripts/setup.sh)");
  }
  const auto deadline = Clock::now() + kStartupTimeout;
  while ((port_ = fauxqs_port(output())) == 0) {
    if (!process_->running())
      throw std::runtime_error("fauxqs exited (" + process_->exit_status()->describe() +
                               ") before listening (node_modules missing? run scripts/setup.sh): " + output());
    if (Clock::now() >= deadline) {
      process_->kill_and_reap();
      throw std::runtime_error("fauxqs did not listen within 20 s: " + output());
    }
    std::this_thread::sleep_for(kFauxqsPoll);
  }
  endpoint_ = "http://127.0.0.1:" + std::to_string(port_);

  SqsClientOptions options;
  options.credentials = fauxqs_credentials();
  options.endpoint = {endpoint_, "us-east-1"};
  options.retry.max_attempts = 1;
  sqs_ = std::make_shared<SqsClient>(std::move(options));
}

FauxqsProcess::~FauxqsProcess() = default;  // the Process kills fauxqs; then the directory goes

std::string FauxqsProcess::create_queue(const std::string& name, std::map<std::string, std::string> attributes) {
  if (name.size() > 5 && name.substr(name.size() - 5) == ".fifo") attributes.emplace("FifoQueue", "true");
  auto url = sqs_->create_queue(name, attributes);
  if (!url) throw std::runtime_error("CreateQueue " + name + ": " + url.error().describe());
  return *url;
}

}  // namespace ebworker::testing
