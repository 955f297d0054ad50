#include "support/worker_test.h"

namespace ebworker::testing {

WorkerTest::WorkerTest() { write_cron(kDefaultCron); }

void WorkerTest::TearDown() {
  for (auto& worker : workers_) {
    if (worker->running()) {
      const ExitStatus status = worker->stop();
      EXPECT_TRUE(status.success()) << "worker on port " << worker->port()
                                    << " did not stop cleanly on SIGTERM: " << status.describe()
                                    << "\nits log:\n" << worker->log();
    }
    const std::string reports = sanitizer_reports(worker->log());
    EXPECT_EQ(reports, "") << "sanitizer report in the log of the worker on port " << worker->port();
  }
  workers_.clear();
}

Environment WorkerTest::worker_env(const EnvChanges& changes) const {
  return worker_environment(dir_.path(), kTestKey, changes);
}

WorkerProcess& WorkerTest::start_worker(const EnvChanges& changes) {
  return start_next_worker(workers_, {.env = worker_env(changes), .dir = dir_.path()});
}

HttpResult WorkerTest::send(const WorkerProcess& worker, const SqsdMessage& message, std::string_view path) {
  HttpClient client;
  return post(client, worker.url(path), message.body, message.headers);
}

CommandResult WorkerTest::serve_to_exit(const EnvChanges& changes, const std::string& binary) {
  Process p({.program = binary,
             .args = {"serve"},
             .env = worker_env(changes),
             .workdir = dir_.path(),
             .stdout_path = dir_ / "stdout",
             .stderr_path = dir_ / "stderr"});
  CommandResult r;
  r.status = p.wait_for_exit(std::chrono::seconds(20));
  if (!r.status) p.kill_and_reap();
  r.out = p.stdout_text();
  r.err = p.stderr_text();
  return r;
}

void WorkerTest::expect_startup_error(const CommandResult& r, const std::string& text) {
  ASSERT_TRUE(r.status) << "did not exit within 20 s:\n" << r.describe();
  EXPECT_TRUE(r.status->exited && r.status->code == 2) << r.describe();
  EXPECT_NE(r.err.find(text), std::string::npos) << "stderr does not say \"" << text << "\":\n" << r.describe();
  EXPECT_EQ(r.out.find("listening on"), std::string::npos) << r.describe();
  EXPECT_EQ(sanitizer_reports(r.err), "");
}

::testing::AssertionResult WorkerTest::logged_once(const WorkerProcess& worker, std::string_view msgid,
                                                   int status, std::string_view reason) {
  const std::string id = " msgid=" + std::string(msgid) + " ";
  const auto first = worker.wait_for_line(
      [&](std::string_view line) {
        return line.find(" status=") != std::string_view::npos && line.find(id) != std::string_view::npos;
      },
      std::chrono::seconds(5));
  if (!first) return ::testing::AssertionFailure() << "no request line for msgid " << msgid << "; log:\n" << worker.log();
  const auto lines = worker.request_lines(msgid);
  if (lines.size() != 1)
    return ::testing::AssertionFailure() << lines.size() << " request lines for msgid " << msgid << "; log:\n"
                                         << worker.log();
  const std::string& line = lines.front();
  if (line.find(" status=" + std::to_string(status) + " ") == std::string::npos)
    return ::testing::AssertionFailure() << "expected status=" << status << " in: " << line;
  if (!reason.empty() && line.find(reason) == std::string::npos)
    return ::testing::AssertionFailure() << "expected reason \"" << reason << "\" in: " << line;
  return ::testing::AssertionSuccess() << line;
}

}  // namespace ebworker::testing
