// The worker's own endpoints: their paths (under /_ebworker/, empty for off, all different), and
// the middleware's answers: Prometheus text, health JSON (503 once stopping, or while the poller
// of a worker polling its queue itself receives nothing), the status page, 405 for other methods,
// and everything else passed on down the chain.

#include "middleware/worker_endpoints.h"

#include <gtest/gtest.h>

#include <ebworker/worker/stack.h>

#include "worker/worker_config.h"
#include "support/prometheus_text.h"

namespace ebworker {
namespace {

TEST(OwnEndpointPaths, DefaultToUnderscoreEbworkerAndCanBeTurnedOff) {
  auto config = load_worker_config({}, {});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->endpoints.metrics, "/_ebworker/metrics");
  EXPECT_EQ(config->endpoints.health, "/_ebworker/health");
  EXPECT_EQ(config->endpoints.status, "/_ebworker/status");
  auto off = load_worker_config({{"EBWORKER_METRICS_PATH", ""}}, {"--status-path="});
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->endpoints.metrics, "");
  EXPECT_EQ(off->endpoints.status, "");
  auto moved = load_worker_config({{"EBWORKER_HEALTH_PATH", "/_ebworker/ping"}}, {});
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->endpoints.health, "/_ebworker/ping");
}

TEST(OwnEndpointPaths, APathOutsideUnderscoreEbworkerOrNamedTwiceIsRefused) {
  for (const char* bad : {"/metrics", "/_ebworker/", "_ebworker/x", "/_ebworker/x?y", "/_ebworker/a b"}) {
    auto c = load_worker_config({{"EBWORKER_METRICS_PATH", bad}}, {});
    ASSERT_FALSE(c) << bad;
    EXPECT_NE(c.error().message.find("EBWORKER_METRICS_PATH"), std::string::npos) << c.error().message;
  }
  auto twice = load_worker_config({{"EBWORKER_STATUS_PATH", "/_ebworker/health"}}, {});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("/_ebworker/health is named twice"), std::string::npos);
}

class WorkerEndpointsTest : public ::testing::Test {
 protected:
  WorkerEndpointsTest() {
    jobs->recognise({"EchoJob"});
    jobs->count({.outcome = JobOutcome::done, .job = "EchoJob", .ran = std::chrono::milliseconds(3)});
    server->answered(200);
    stack.add<WorkerEndpoints>(std::make_shared<const WorkerEndpoints::Sources>(WorkerEndpoints::Sources{
        .paths = {.metrics = "/_ebworker/metrics", .health = "/_ebworker/health", .status = "/_ebworker/status"},
        .jobs = jobs,
        .server = server,
        .tasks = {},
        .shutdown = stop.get_token()}));
  }

  Response get(std::string path, std::string method = "GET") {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    return stack.call(r, [](Request&) { return Response::ok("the app\n"); });
  }

  std::shared_ptr<JobCounters> jobs = std::make_shared<JobCounters>();
  std::shared_ptr<ServerMetrics> server = std::make_shared<ServerMetrics>(jobs->registry(), 4);
  std::stop_source stop;
  Stack stack;
};

TEST_F(WorkerEndpointsTest, MetricsAreThePrometheusTextOfTheRegistry) {
  const Response r = get("/_ebworker/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto parsed = testing::parse_prometheus_text(r.body);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->value("ebworker_jobs_total", {{"job", "EchoJob"}, {"outcome", "done"}}), 1);
  EXPECT_EQ(parsed->value("ebworker_requests_total", {{"status", "200"}}), 1);
  EXPECT_EQ(parsed->value("ebworker_job_threads"), 4);
  EXPECT_EQ(parsed->value("ebworker_jobs_running"), 0);
  EXPECT_EQ(parsed->value("ebworker_busy_total"), 0);
}

TEST_F(WorkerEndpointsTest, HealthIsOkUntilShutdownBegins) {
  server->handler_started();
  Response r = get("/_ebworker/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"status\":\"ok\",\"jobs_running\":1,\"job_threads\":4}\n");
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json");
  stop.request_stop();
  r = get("/_ebworker/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "{\"status\":\"stopping\",\"jobs_running\":1,\"job_threads\":4}\n");
}

// A worker polling its queue itself: health says whether the poller receives (503 when it does
// not, unless the worker is stopping anyway) and the metrics add the poller's; detached, neither.
TEST(WorkerEndpointsWithPoller, HealthAndMetricsShowThePoller) {
  auto jobs = std::make_shared<JobCounters>();
  auto server = std::make_shared<ServerMetrics>(jobs->registry(), 2);
  auto poller = std::make_shared<PollerView>();
  std::stop_source stop;
  bool receiving = true;
  poller->attach({.receiving = [&] { return receiving; },
                  .metrics = [] { return std::string("ebworker_sqsd_deleted_total 7\n"); }});
  Stack stack;
  stack.add<WorkerEndpoints>(std::make_shared<const WorkerEndpoints::Sources>(WorkerEndpoints::Sources{
      .paths = {.metrics = "/_ebworker/metrics", .health = "/_ebworker/health", .status = "/_ebworker/status"},
      .jobs = jobs,
      .server = server,
      .tasks = {},
      .shutdown = stop.get_token(),
      .poller = poller}));
  const auto get = [&](std::string path) {
    Request r;
    r.method = "GET";
    r.path = std::move(path);
    return stack.call(r, [](Request&) { return Response::ok("the app\n"); });
  };
  Response r = get("/_ebworker/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"status\":\"ok\",\"jobs_running\":0,\"job_threads\":2,\"receiving\":true}\n");
  const auto parsed = testing::parse_prometheus_text(get("/_ebworker/metrics").body);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->value("ebworker_sqsd_deleted_total"), 7);
  EXPECT_EQ(parsed->value("ebworker_job_threads"), 2);

  receiving = false;
  r = get("/_ebworker/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "{\"status\":\"not receiving\",\"jobs_running\":0,\"job_threads\":2,\"receiving\":false}\n");
  stop.request_stop();
  EXPECT_EQ(get("/_ebworker/health").body,
            "{\"status\":\"stopping\",\"jobs_running\":0,\"job_threads\":2,\"receiving\":false}\n");

  poller->detach();
  EXPECT_EQ(get("/_ebworker/health").body, "{\"status\":\"stopping\",\"jobs_running\":0,\"job_threads\":2}\n");
  EXPECT_EQ(get("/_ebworker/metrics").body.find("ebworker_sqsd_"), std::string::npos);
}

TEST_F(WorkerEndpointsTest, StatusIsTheHtmlPage) {
  const Response r = get("/_ebworker/status");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<td class=\"l\">EchoJob</td><td>1</td>"), std::string::npos) << r.body;
}

TEST_F(WorkerEndpointsTest, OtherMethodsAre405AndOtherPathsGoOn) {
  const Response post = get("/_ebworker/metrics", "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers.get("Allow"), "GET");
  EXPECT_EQ(get("/").body, "the app\n");
  EXPECT_EQ(get("/_ebworker/other").body, "the app\n");
}

// Built from public types only: the same paths' rules, and answers with no counts of its own.
TEST(WorkerEndpointsAt, ChecksThePathsAndAnswersHealthUntilShutdown) {
  EXPECT_FALSE(WorkerEndpoints::at("/metrics", "", ""));
  auto twice = WorkerEndpoints::at("/_ebworker/a", "/_ebworker/a", "");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "/_ebworker/a is named twice");
  std::stop_source stop;
  auto endpoints = WorkerEndpoints::at("/_ebworker/metrics", "/_ebworker/health", "", stop.get_token());
  ASSERT_TRUE(endpoints) << endpoints.error().message;
  Stack stack;
  stack.add<WorkerEndpoints>(std::move(endpoints).value());
  const auto get = [&](std::string path) {
    Request r;
    r.method = "GET";
    r.path = std::move(path);
    return stack.call(r, [](Request&) { return Response::ok("the app\n"); });
  };
  EXPECT_EQ(get("/_ebworker/health").body, "{\"status\":\"ok\",\"jobs_running\":0,\"job_threads\":0}\n");
  EXPECT_NE(get("/_ebworker/metrics").body.find("ebworker_busy_total 0\n"), std::string::npos);
  EXPECT_EQ(get("/_ebworker/status").body, "the app\n");
  stop.request_stop();
  EXPECT_EQ(get("/_ebworker/health").status, 503);
}

TEST(OwnEndpointPathsMatch, AnEmptyPathMatchesNothing) {
  const OwnEndpointPaths none{.metrics = "", .health = "", .status = ""};
  EXPECT_FALSE(none.matches(""));
  EXPECT_FALSE(none.matches("/"));
  const OwnEndpointPaths some{.metrics = "/_ebworker/metrics", .health = "", .status = ""};
  EXPECT_TRUE(some.matches("/_ebworker/metrics"));
  EXPECT_FALSE(some.matches(""));
}

}  // namespace
}  // namespace ebworker
