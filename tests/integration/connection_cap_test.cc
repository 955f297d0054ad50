// The connection cap (EBWORKER_MAX_CONNECTIONS), against a real worker: idle connections past the
// cap give way to new ones, so the health probe and the daemon's posts still answer; at a low
// descriptor limit the cap is lowered below it, so accept() never fails with EMFILE (pistache
// retried that at once, forever: a core burned and nothing was answered).

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_post.h"
#include "support/raw_connection.h"
#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

// User plus system CPU time of a process so far, from /proc/PID/stat (fields 14 and 15).
std::chrono::milliseconds cpu_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "(comm) "
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  const long ticks = ::sysconf(_SC_CLK_TCK);
  return std::chrono::milliseconds((utime + stime) * 1000 / ticks);
}

// How many of `connections` the worker has closed, polled until at least `wanted` are, or 5 s.
int closed_by_the_worker(std::vector<std::unique_ptr<RawConnection>>& connections, int wanted) {
  int closed = 0;
  for (const auto deadline = std::chrono::steady_clock::now() + 5s;
       closed < wanted && std::chrono::steady_clock::now() < deadline;) {
    closed = 0;
    for (auto& c : connections) closed += c->wait_for_close(2ms) ? 1 : 0;
  }
  return closed;
}

class ConnectionCap : public WorkerTest {
 protected:
  // Opens `n` connections that send nothing.
  std::vector<std::unique_ptr<RawConnection>> open_idle(const WorkerProcess& worker, int n) {
    std::vector<std::unique_ptr<RawConnection>> connections;
    for (int i = 0; i < n; ++i) connections.push_back(std::make_unique<RawConnection>("127.0.0.1", worker.port()));
    return connections;
  }

  void expect_health_and_a_job_answer(const WorkerProcess& worker) {
    HttpClient client;
    const auto health = get(client, worker.url("/_ebworker/health"), 5s);
    EXPECT_EQ(health.status, 200) << health.describe() << "\n" << worker.log();
    const auto m = job_message("EchoJob", "[1]", signer_);
    const auto job = post(client, worker.url(), m.body, m.headers, 5s);
    EXPECT_EQ(job.status, 200) << job.describe() << "\n" << worker.log();
  }
};

TEST_F(ConnectionCap, IdleConnectionsPastTheCapGiveWayToHealthAndJobs) {
  auto& worker = start_worker({{"EBWORKER_MAX_CONNECTIONS", "10"}});
  auto idle = open_idle(worker, 30);
  // The ones idle longest are closed by the worker as newer ones arrive.
  EXPECT_GE(closed_by_the_worker(idle, 20), 20) << worker.log();
  expect_health_and_a_job_answer(worker);
  EXPECT_TRUE(worker.wait_for_line("of EBWORKER_MAX_CONNECTIONS (10): closed the connection idle longest", 5s))
      << worker.log();
}

TEST_F(ConnectionCap, WithNoIdleConnectionANewOneGets503AndIsClosed) {
  // One I/O thread, so the whole cap is its share.
  auto& worker = start_worker(
      {{"EBWORKER_MAX_CONNECTIONS", "3"}, {"EBWORKER_JOB_THREADS", "4"}, {"EBWORKER_IO_THREADS", "1"}});
  // Three connections each waiting for a job's answer: none is idle.
  std::vector<std::future<HttpResult>> jobs;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const auto m = job_message("SleepJob", "[2000]", signer_);
    ids.push_back(m.msgid);
    jobs.push_back(std::async(std::launch::async, [&worker, m] {
      HttpClient client;
      return post(client, worker.url(), m.body, m.headers, 20s);
    }));
  }
  for (const auto& id : ids) ASSERT_TRUE(worker.wait_for_line("msgid=" + id + " job=SleepJob sleeping", 10s)) << worker.log();

  RawConnection extra("127.0.0.1", worker.port());
  const auto answer = extra.read_response(5s);
  ASSERT_TRUE(answer) << worker.log();
  EXPECT_TRUE(answer->starts_with("HTTP/1.1 503 ")) << *answer;
  EXPECT_TRUE(extra.wait_for_close(5s));
  EXPECT_TRUE(worker.wait_for_line("a new connection was answered 503 and closed", 5s)) << worker.log();
  for (auto& job : jobs) EXPECT_EQ(job.get().status, 200) << "a job's connection was closed to make room";
}

// The worker once died here (2026-12-07, fresh-clone runs: a use-after-free of a shared_ptr
// control block, no stack, since at the limit the symbolizer could not open its files). It has
// not recurred in 477 runs since, 300 of them beside two parallel builds; the cause was not
// found, so this runs in every test command, where a recurrence shows.
TEST_F(ConnectionCap, AtTheDescriptorLimitTheWorkerNeitherSpinsNorLocksOutHealthAndJobs) {
  WorkerProcess::Options options{.env = worker_env(), .dir = dir_.path()};
  options.args = {"--nofile=256:256", options.binary, "serve"};
  options.binary = "/usr/bin/prlimit";
  auto& worker = start_next_worker(workers_, options);
  ASSERT_TRUE(worker.wait_for_line("EBWORKER_MAX_CONNECTIONS: 192 rather than 1000", 1s)) << worker.log();

  auto idle = open_idle(worker, 300);  // more than the descriptors the worker has
  // Past the cap the worker closes the idle connections longest open as new ones come; then it
  // must be quiet: no accept() retried in a loop.
  ASSERT_GE(closed_by_the_worker(idle, 300 - 192), 300 - 192) << worker.log();
  const auto before = cpu_time(worker.pid());
  std::this_thread::sleep_for(1s);  // the measurement's window, not a wait for a condition
  const auto spent = cpu_time(worker.pid()) - before;
  std::cout << "worker CPU over 1 s with 300 connections at a 256-descriptor limit: " << spent.count() << " ms\n";
  EXPECT_LT(spent, 200ms) << "the worker spins at the descriptor limit";
  expect_health_and_a_job_answer(worker);
}

// A container often starts with a soft limit of 1024 under a far higher hard one: the worker
// raises its soft limit to the hard one, so the default cap stays whole.
TEST_F(ConnectionCap, TheWorkerRaisesItsSoftDescriptorLimitToTheHardOne) {
  WorkerProcess::Options options{.env = worker_env(), .dir = dir_.path()};
  options.args = {"--nofile=256:4096", options.binary, "serve"};
  options.binary = "/usr/bin/prlimit";
  auto& worker = start_next_worker(workers_, options);
  std::ifstream limits("/proc/" + std::to_string(worker.pid()) + "/limits");
  std::string line;
  bool seen = false;
  while (std::getline(limits, line))
    if (line.starts_with("Max open files")) {
      seen = true;
      EXPECT_NE(line.find(" 4096 "), line.rfind(" 4096 ")) << "soft and hard both 4096: " << line;
    }
  EXPECT_TRUE(seen);
  EXPECT_EQ(worker.log().find("EBWORKER_MAX_CONNECTIONS:"), std::string::npos) << worker.log();
}

}  // namespace
}  // namespace ebworker::testing
