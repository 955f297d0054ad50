// AppOptions::edit_stack (cli.h) reaches the real worker: the test app adds its Marker middleware
// (last, before the dispatcher), and a real request shows it runs after the checks (a request the
// signature check refuses never reaches it) and around the job (it sees the job's answer, and the
// job's output falls between its two lines).
//
// And the worker's I/O threads never run a job (docs/guide.md, "Concurrency, long jobs and
// shutdown"): a job holding its thread leaves the only I/O thread free to answer, and the job runs
// on a job thread, named apart from pistache's I/O threads.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/test_app.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class EditStack : public TestAppTest {};

TEST_F(EditStack, AddedMiddlewareRunsAfterTheChecksAndAroundTheJob) {
  auto& worker = start_test_app();

  const auto job = job_message("EchoJob", R"(["through the marker"])", signer_);
  const auto done = send(worker, job);
  ASSERT_TRUE(done.ok()) << done.describe();
  EXPECT_EQ(done.status, 200) << done.describe();
  EXPECT_EQ(done.header("X-Test-Marker"), "200") << done.describe();
  EXPECT_EQ(echo_output(), "marker in\n[\"through the marker\"]\nmarker out 200\n");
  EXPECT_TRUE(logged_once(worker, job.msgid, 200, "job=EchoJob"));

  // The dispatcher's own refusal passes back through it: the dispatcher is the end, after it.
  const auto unknown = job_message("NoSuchJob", "[]", signer_);
  const auto not_found = send(worker, unknown);
  ASSERT_TRUE(not_found.ok()) << not_found.describe();
  EXPECT_EQ(not_found.status, 404) << not_found.describe();
  EXPECT_EQ(not_found.header("X-Test-Marker"), "404") << not_found.describe();

  // VerifySignature is before it: a bad digest is refused without reaching it.
  const auto forged = job_message_with_digest("EchoJob", R"(["forged"])", std::string(64, '0'));
  const auto refused = send(worker, forged);
  ASSERT_TRUE(refused.ok()) << refused.describe();
  EXPECT_EQ(refused.status, 403) << refused.describe();
  EXPECT_EQ(refused.header("X-Test-Marker"), "") << refused.describe();
  EXPECT_TRUE(logged_once(worker, forged.msgid, 403));

  EXPECT_EQ(echo_output(), "marker in\n[\"through the marker\"]\nmarker out 200\nmarker in\nmarker out 404\n");
}

class IoThreads : public TestAppTest {};

TEST_F(IoThreads, JobsHoldingTheirThreadsLeaveTheOnlyIoThreadAnswering) {
  auto& worker = start_test_app({{"EBWORKER_IO_THREADS", "1"}, {"EBWORKER_JOB_THREADS", "2"}});
  const auto g = gate("held");
  const auto held = job_message("GateJob", g.arguments(), signer_);
  auto running = std::async(std::launch::async, [&] { return send(worker, held); });
  ASSERT_TRUE(worker.wait_for_line(waiting_line(held, g), 10s)) << worker.log();

  // If the one I/O thread were running GateJob, nothing more would be read until it ends.
  const auto echo = job_message("EchoJob", R"(["beside the held job"])", signer_);
  const auto started = Clock::now();
  const auto beside = send(worker, echo);
  EXPECT_EQ(beside.status, 200) << beside.describe();
  EXPECT_NE(echo_output().find("[\"beside the held job\"]\n"), std::string::npos) << echo_output();

  // Both job threads busy now: the I/O thread still answers, 503 at once.
  const auto g2 = gate("second");
  const auto second = job_message("GateJob", g2.arguments(), signer_);
  auto running2 = std::async(std::launch::async, [&] { return send(worker, second); });
  ASSERT_TRUE(worker.wait_for_line(waiting_line(second, g2), 10s)) << worker.log();
  const auto busy = send(worker, job_message("EchoJob", R"(["no thread"])", signer_));
  EXPECT_EQ(busy.status, 503) << busy.describe();
  EXPECT_EQ(busy.header("Retry-After"), "1") << busy.describe();  // ebworker sqsd retries it soon
  EXPECT_LT(Clock::now() - started, 8s) << "answers waited for a held job";
  EXPECT_EQ(running.wait_for(0s), std::future_status::timeout) << "the held job ended before its release";

  g.open();
  g2.open();
  EXPECT_EQ(running.get().status, 200);
  EXPECT_EQ(running2.get().status, 200);
}

// Threads of the worker as ThreadJob saw them: its own ("job TID NAME") and all ("thread TID NAME").
struct ThreadReport {
  std::string job_tid, job_name;
  std::map<std::string, std::string> names;  // tid → name
};

ThreadReport read_report(const std::string& text) {
  ThreadReport report;
  std::istringstream in(text);
  for (std::string kind, tid, name; in >> kind >> tid && std::getline(in >> std::ws, name);) {
    if (kind == "job") {
      report.job_tid = tid;
      report.job_name = name;
    } else {
      report.names[tid] = name;
    }
  }
  return report;
}

// The job pool's threads are named "ebworker-job" and pistache's I/O threads "ebworker-io"
// (pthread names, at most 15 characters), so a job can be seen not to run on an I/O thread.
// How many of a process's threads have this name now.
std::size_t threads_named(pid_t pid, const std::string& name) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string text;
    if (std::getline(comm, text) && text == name) ++n;
  }
  return n;
}

TEST_F(IoThreads, JobRunsOnAJobThreadNeverOnAnIoThread) {
  auto& worker = start_test_app({{"EBWORKER_IO_THREADS", "2"}, {"EBWORKER_JOB_THREADS", "3"}});
  // Each I/O thread names itself once it runs, which may be after the worker said it listens.
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (threads_named(worker.pid(), "ebworker-io") < 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE("job " + std::to_string(i));
    const auto path = dir_ / ("threads-" + std::to_string(i));
    const auto job = job_message("ThreadJob", "[\"" + path.string() + "\"]", signer_);
    const auto done = send(worker, job);
    ASSERT_EQ(done.status, 200) << done.describe() << "\n" << worker.log();
    const ThreadReport report = read_report(read_file(path));
    ASSERT_FALSE(report.job_tid.empty()) << read_file(path);
    ASSERT_EQ(report.names.count(report.job_tid), 1u) << "the job's thread is not among the process's";

    std::set<std::string> io, jobs;
    std::ostringstream all;
    for (const auto& [tid, name] : report.names) {
      if (name == "ebworker-io") io.insert(tid);
      if (name == "ebworker-job") jobs.insert(tid);
      all << tid << ":" << name << " ";
    }
    EXPECT_EQ(io.size(), 2u) << "threads named ebworker-io (EBWORKER_IO_THREADS=2); all: " << all.str();
    EXPECT_EQ(jobs.size(), 3u) << "threads named ebworker-job (EBWORKER_JOB_THREADS=3); all: " << all.str();
    EXPECT_EQ(report.job_name, "ebworker-job") << "all: " << all.str();
    EXPECT_EQ(io.count(report.job_tid), 0u) << "the job ran on I/O thread " << report.job_tid;
  }
}

}  // namespace
}  // namespace ebworker::testing
