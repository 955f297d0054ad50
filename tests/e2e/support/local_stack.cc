#include "e2e/support/local_stack.h"

#include <csignal>
#include <charconv>
#include <thread>

namespace ebworker::testing {

namespace {

using Clock = std::chrono::steady_clock;

int attribute_number(const std::map<std::string, std::string>& attributes, const std::string& name) {
  const auto it = attributes.find(name);
  if (it == attributes.end()) return 0;
  int n = 0;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), n);
  return n;
}

}  // namespace

std::vector<std::string> lines_with(std::string_view text, std::initializer_list<std::string_view> needles) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string_view::npos; start = end + 1) {
    const std::string_view line = text.substr(start, end - start);
    bool all = true;
    for (const auto needle : needles) all = all && line.find(needle) != std::string_view::npos;
    if (all) out.emplace_back(line);
  }
  return out;
}

LocalStackTest::LocalStackTest() { write_file(dir_ / "cron.yaml", kE2eCron); }

void LocalStackTest::TearDown() {
  // The daemons first, so none posts to a worker that is going.
  for (size_t i = 0; i < sqsds_.size(); ++i) {
    Process& sqsd = *sqsds_[i];
    if (sqsd.running()) {
      sqsd.send_signal(SIGTERM);
      const auto status = sqsd.wait_for_exit(15s);
      EXPECT_TRUE(status && status->success())
          << "sqsd " << i << " did not stop cleanly on SIGTERM: "
          << (status ? status->describe() : std::string("still running after 15 s")) << "\nits log:\n"
          << sqsd_log(i);
    }
    EXPECT_EQ(sanitizer_reports(sqsd_log(i)), "") << "sanitizer report in the log of sqsd " << i;
  }
  for (auto& worker : workers_) {
    if (worker->running()) {
      const ExitStatus status = worker->stop(15s);
      EXPECT_TRUE(status.success()) << "worker on port " << worker->port()
                                    << " did not stop cleanly on SIGTERM: " << status.describe()
                                    << "\nits log:\n" << worker->log();
    }
    EXPECT_EQ(sanitizer_reports(worker->log()), "") << "sanitizer report in the log of the worker on port "
                                                    << worker->port();
  }
}

std::string LocalStackTest::queue_url_for(std::string_view name) const {
  return "http://sqs.us-east-1.localhost:" + std::to_string(fauxqs_.port()) + "/000000000000/" + std::string(name);
}

std::string LocalStackTest::create_queue(const std::string& name, std::map<std::string, std::string> attributes) {
  return fauxqs_.create_queue(name, std::move(attributes));
}

Environment LocalStackTest::worker_env(const EnvChanges& changes) const {
  EnvChanges all = {{"EBWORKER_SHUTDOWN_TIMEOUT", "10"}};
  for (const auto& [name, value] : changes) all[name] = value;  // the test's own win
  return worker_environment(dir_.path(), kE2eKey, all);
}

WorkerProcess& LocalStackTest::start_worker(const EnvChanges& changes) {
  return start_next_worker(workers_,
                           {.binary = EBWORKER_FIXTURE_APP, .env = worker_env(changes), .dir = dir_.path()});
}

WorkerProcess& LocalStackTest::start_polling_worker(const std::string& queue_url, const EnvChanges& changes) {
  EnvChanges all;
  for (const auto& [name, value] : sqsd_env()) all[name] = value;
  all["EBWORKER_SQSD_QUEUE_URL"] = queue_url;
  all["EBWORKER_SQSD_WAIT_TIME"] = "1";
  all["EBWORKER_SQSD_LEADER"] = "false";
  for (const auto& [name, value] : changes) all[name] = value;  // the test's own win
  WorkerProcess& worker = start_worker(all);
  if (!worker.wait_for_line("sqsd polling", 20s))
    throw std::runtime_error("the polling worker did not log \"sqsd polling\" within 20 s; its log:\n" + worker.log());
  return worker;
}

Environment LocalStackTest::sqsd_env() const {
  Environment env = base_environment();
  env["AWS_ENDPOINT_URL_SQS"] = fauxqs_.endpoint();
  env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
  env["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  return env;
}

Environment LocalStackTest::client_command_env(const std::string& queue_url) const {
  Environment env = sqsd_env();
  env["AWS_REGION"] = "us-east-1";
  env["EBWORKER_QUEUE_URL"] = queue_url;
  env["SECRET_KEY_BASE"] = std::string(kE2eKey);
  return env;
}

Process& LocalStackTest::start_sqsd(const std::string& queue_url, const std::string& worker_url,
                                    const std::vector<std::string>& args, const EnvChanges& env_changes) {
  std::vector<std::string> argv{"sqsd",        "--queue-url", queue_url,        "--worker-url", worker_url,
                                "--wait-time", "1",           "--leader=false", "--log-level=debug"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto log = dir_ / ("sqsd-" + std::to_string(sqsds_.size()) + ".log");
  sqsd_logs_.push_back(log);
  Environment env = sqsd_env();
  for (const auto& [name, value] : env_changes) {
    if (value)
      env[name] = *value;
    else
      env.erase(name);
  }
  sqsds_.push_back(std::make_unique<Process>(Process::Options{.program = EBWORKER_BINARY,
                                                              .args = argv,
                                                              .env = env,
                                                              .workdir = dir_.path(),
                                                              .stdout_path = log,
                                                              .stderr_path = {}}));
  Process& sqsd = *sqsds_.back();
  if (!sqsd.wait_for_line("sqsd polling", 20s)) {
    const std::string why = sqsd.running() ? "did not log \"sqsd polling\" within 20 s"
                                           : "exited (" + sqsd.exit_status()->describe() + ")";
    sqsd.kill_and_reap();
    throw std::runtime_error("ebworker sqsd " + why + "; its log:\n" + read_file(log));
  }
  return sqsd;
}

std::string LocalStackTest::sqsd_log(size_t index) const { return read_file(sqsd_logs_.at(index)); }

Client LocalStackTest::client(const std::string& queue_url, const std::function<void(ClientConfig&)>& edit) const {
  ClientConfig c;
  c.queue_url = queue_url;
  c.secret = std::string(kE2eKey);
  c.endpoint = {fauxqs_.endpoint(), "us-east-1"};
  c.credentials = fauxqs_credentials();
  c.retry.max_attempts = 3;
  if (edit) edit(c);
  auto made = Client::create(c);
  if (!made) throw std::runtime_error("Client::create: " + made.error().message);
  return std::move(made).value();
}

int LocalStackTest::messages_in(const std::string& queue_url) const {
  auto attributes = fauxqs_.sqs().get_queue_attributes(
      queue_url, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                  "ApproximateNumberOfMessagesDelayed"});
  if (!attributes) throw std::runtime_error("GetQueueAttributes: " + attributes.error().describe());
  return attribute_number(*attributes, "ApproximateNumberOfMessages") +
         attribute_number(*attributes, "ApproximateNumberOfMessagesNotVisible") +
         attribute_number(*attributes, "ApproximateNumberOfMessagesDelayed");
}

std::optional<ReceivedMessage> LocalStackTest::receive_one(
    const std::string& queue_url, const std::function<bool(const ReceivedMessage&)>& match,
    std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  for (int poll = 0; poll < 600 && Clock::now() < deadline; ++poll) {
    auto got = fauxqs_.sqs().receive_messages(queue_url, {.max_messages = 10, .wait_seconds = 1});
    if (!got) throw std::runtime_error("ReceiveMessage: " + got.error().describe());
    std::optional<ReceivedMessage> found;
    for (auto& m : *got) {
      if (!found && match(m))
        found = std::move(m);
      else
        (void)fauxqs_.sqs().change_message_visibility(queue_url, m.receipt_handle, 0);
    }
    if (found) return found;
  }
  return std::nullopt;
}

}  // namespace ebworker::testing
