// The worker's metrics, health and status endpoints over real HTTP: answered on the I/O thread
// (so while every job thread is busy), 503 "stopping" from health once SIGTERM came, and, like
// jobs, refused (403) to a peer that is neither loopback nor a trusted source (a real peer in a
// network namespace, as in source_check_test.cc).

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <future>

#include "support/http_post.h"
#include "support/network_namespace.h"
#include "support/prometheus_text.h"
#include "support/test_app.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

HttpResult get(const WorkerProcess& worker, std::string_view path) {
  HttpClient client;
  return ebworker::testing::get(client, worker.url(path), 5s);
}

class WorkerEndpoints : public TestAppTest {};

TEST_F(WorkerEndpoints, AnsweredWhileEveryJobThreadIsBusyAndHealthSaysStoppingOnSigterm) {
  auto& worker = start_test_app({{"EBWORKER_JOB_THREADS", "1"}});
  const auto g = gate("busy");
  const auto held = job_message("GateJob", g.arguments(), signer_);
  auto running = std::async(std::launch::async, [&] { return send(worker, held); });
  ASSERT_TRUE(worker.wait_for_line(waiting_line(held, g), 10s)) << worker.log();

  // The one job thread is taken: a job is refused, the worker's own endpoints are not.
  const auto refused = send(worker, job_message("EchoJob", "[1]", signer_));
  EXPECT_EQ(refused.status, 503) << refused.describe();
  const auto health = get(worker, "/_ebworker/health");
  EXPECT_EQ(health.status, 200) << health.describe();
  EXPECT_EQ(health.body, "{\"status\":\"ok\",\"jobs_running\":1,\"job_threads\":1}\n");
  const auto metrics = get(worker, "/_ebworker/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.describe();
  EXPECT_EQ(metrics.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto parsed = parse_prometheus_text(metrics.body);
  ASSERT_TRUE(parsed) << parsed.error().message << "\n" << metrics.body;
  EXPECT_EQ(parsed->value("ebworker_busy_total"), 1);
  EXPECT_EQ(parsed->value("ebworker_jobs_running"), 1);
  EXPECT_EQ(parsed->value("ebworker_job_threads"), 1);
  EXPECT_EQ(parsed->value("ebworker_requests_total", {{"status", "503"}}), 1);
  const auto status = get(worker, "/_ebworker/status");
  EXPECT_EQ(status.status, 200) << status.describe();
  EXPECT_NE(status.body.find("1 of 1 in use; 1 requests refused busy (503)"), std::string::npos) << status.body;

  worker.send_signal(SIGTERM);
  ASSERT_TRUE(worker.wait_for_line("refusing new jobs", 5s)) << worker.log();
  const auto stopping = get(worker, "/_ebworker/health");
  EXPECT_EQ(stopping.status, 503) << stopping.describe();
  EXPECT_EQ(stopping.body, "{\"status\":\"stopping\",\"jobs_running\":1,\"job_threads\":1}\n");

  g.open();
  EXPECT_EQ(running.get().status, 200);
  const auto exited = worker.wait_for_exit(10s);
  ASSERT_TRUE(exited) << worker.log();
  EXPECT_TRUE(exited->success()) << exited->describe();
}

TEST_F(WorkerEndpoints, AnEmptyPathTurnsItsEndpointOffAndTheAppAnswersIt) {
  auto& worker = start_test_app({{"EBWORKER_METRICS_PATH", ""}, {"EBWORKER_HEALTH_PATH", "/_ebworker/ping"}});
  EXPECT_EQ(get(worker, "/_ebworker/ping").status, 200);
  // Off, or moved: the app's now, like any other path that is not the daemon's.
  const auto metrics = get(worker, "/_ebworker/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.describe();
  EXPECT_EQ(metrics.body.find("ebworker_jobs_total"), std::string::npos) << metrics.describe();
  const auto health = get(worker, "/_ebworker/health");
  ASSERT_TRUE(health.ok()) << health.describe();
  EXPECT_EQ(health.body.find("\"job_threads\""), std::string::npos) << health.describe();
}

class WorkerEndpointsSourceCheck : public WorkerTest {
 protected:
  void SetUp() override {
    std::string refusal;
    ns_ = NetworkNamespace::create(&refusal);
    if (!ns_) GTEST_SKIP() << "this machine refused to create a network namespace and veth pair: " << refusal;
  }

  // The status of a GET from inside the namespace (0 when there was no answer).
  long get_from_namespace(const WorkerProcess& worker, std::string_view path) {
    last_ = ns_->exec("curl", {"--silent", "--show-error", "--noproxy", "*", "--max-time", "10", "--output",
                               "/dev/null", "--write-out", "%{http_code}", worker.url(path)},
                      20s);
    if (!last_.status) return 0;
    return std::strtol(last_.out.c_str(), nullptr, 10);
  }

  std::unique_ptr<NetworkNamespace> ns_;
  CommandResult last_;
};

TEST_F(WorkerEndpointsSourceCheck, AnUntrustedPeerIsRefusedATrustedOneAnswered) {
  constexpr std::string_view kPaths[] = {"/_ebworker/metrics", "/_ebworker/health", "/_ebworker/status"};
  {
    auto& worker = start_worker({{"EBWORKER_BIND", ns_->host_address()}});
    for (const auto path : kPaths) {
      EXPECT_EQ(get_from_namespace(worker, path), 403) << path << ": " << last_.describe();
      EXPECT_TRUE(worker.wait_for_line("GET " + std::string(path) + " status=403", 5s)) << worker.log();
    }
    EXPECT_TRUE(worker.stop().success());
  }
  auto& trusting = start_worker({{"EBWORKER_BIND", ns_->host_address()}, {"EBWORKER_TRUSTED_SOURCES", ns_->network()}});
  for (const auto path : kPaths) EXPECT_EQ(get_from_namespace(trusting, path), 200) << path << ": " << last_.describe();
}

}  // namespace
}  // namespace ebworker::testing
