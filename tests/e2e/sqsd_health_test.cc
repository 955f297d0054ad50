// `ebworker sqsd --health-port`: GET /health answers the daemon's state as JSON, GET /metrics its
// counters in Prometheus's text format, read here by a strict parser. After a known run (five
// EchoJobs, one FailingJob whose retry is an hour away) the counters say exactly that.

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "e2e/support/local_stack.h"
#include "net/http_client.h"
#include "support/closed_port.h"
#include "support/prometheus_text.h"

namespace ebworker::testing {
namespace {

class SqsdHealth : public LocalStackTest {
 protected:
  Result<HttpReply, TransportError> get(std::uint16_t port, const std::string& path, const std::string& method = "GET") {
    HttpRequest request;
    request.method = method;
    request.url = "http://127.0.0.1:" + std::to_string(port) + path;
    request.timeout = 5s;
    request.direct = true;
    return http_.perform(request);
  }

  HttpClient http_;
};

TEST_F(SqsdHealth, HealthAndMetricsTellWhatHappened) {
  const std::string queue = create_queue("health");
  auto& worker = start_worker();
  const std::uint16_t port = closed_port();
  start_sqsd(queue, worker.url(""),
             {"--health-port", std::to_string(port), "--error-visibility-timeout", "3600", "--receives", "2"});

  std::vector<JobToEnqueue> jobs;
  for (int i = 0; i < 5; ++i) jobs.push_back({"EchoJob", "[\"ok-" + std::to_string(i) + "\"]", {}});
  jobs.push_back({"FailingJob", "[]", {}});
  for (const auto& sent : client(queue).enqueue_batch(jobs)) ASSERT_TRUE(sent) << sent.error().describe();

  PromExposition metrics;
  std::string text;
  const bool settled = eventually(
      [&] {
        auto reply = get(port, "/metrics");
        if (!reply || reply->status != 200) return false;
        text = reply->body;
        auto parsed = parse_prometheus_text(text);
        if (!parsed) return false;
        metrics = *parsed;
        return metrics.value("ebworker_sqsd_deleted_total") == 5.0 &&
               metrics.value("ebworker_sqsd_released_total") == 1.0;
      },
      20s);
  ASSERT_TRUE(settled) << text << "\nsqsd log:\n" << sqsd_log(0);

  auto reply = get(port, "/metrics");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(std::string(reply->headers.get("Content-Type")).rfind("text/plain; version=0.0.4", 0), 0u)
      << reply->headers.get("Content-Type");
  auto parsed = parse_prometheus_text(reply->body);
  ASSERT_TRUE(parsed) << parsed.error().message << "\n" << reply->body;
  const std::map<std::string, double> expected = {
      {"ebworker_sqsd_received_total", 6},       {"ebworker_sqsd_posted_total", 6},
      {"ebworker_sqsd_succeeded_total", 5},      {"ebworker_sqsd_failed_total", 1},
      {"ebworker_sqsd_deleted_total", 5},        {"ebworker_sqsd_delete_failed_total", 0},
      {"ebworker_sqsd_released_total", 1},       {"ebworker_sqsd_release_failed_total", 0},
      {"ebworker_sqsd_expired_total", 0},        {"ebworker_sqsd_visibility_extended_total", 0},
      {"ebworker_sqsd_extend_failed_total", 0},  {"ebworker_sqsd_in_flight", 0},
      {"ebworker_sqsd_deletes_waiting", 0},
      {"ebworker_sqsd_leader", 0},               {"ebworker_sqsd_worker_up", 1},
  };
  for (const auto& [name, value] : expected) EXPECT_EQ(parsed->value(name), value) << name << "\n" << reply->body;
  const PromFamily* latency = parsed->family("ebworker_sqsd_receive_duration_seconds");
  ASSERT_NE(latency, nullptr) << reply->body;
  EXPECT_EQ(latency->type, "histogram");
  const auto receives = parsed->value("ebworker_sqsd_receive_duration_seconds_count");
  ASSERT_TRUE(receives);
  EXPECT_GE(*receives, 1.0);  // at least the receive that brought the messages
  EXPECT_EQ(parsed->value("ebworker_sqsd_receive_duration_seconds_bucket", {{"le", "+Inf"}}), receives);
  EXPECT_GT(*parsed->value("ebworker_sqsd_receive_duration_seconds_sum"), 0.0);

  auto health = get(port, "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;
  rapidjson::Document json;
  json.Parse(health->body.c_str());
  ASSERT_FALSE(json.HasParseError()) << health->body;
  ASSERT_TRUE(json.IsObject()) << health->body;
  EXPECT_STREQ(json["status"].GetString(), "ok");
  EXPECT_FALSE(json["leader"].GetBool());  // --leader=false
  EXPECT_STREQ(json["leader_state"].GetString(), "follower");
  EXPECT_EQ(json["in_flight"].GetInt(), 0);
  EXPECT_TRUE(json["worker_up"].GetBool());
  // Long polls of 1 s: the last receive that returned is at most a few seconds old.
  EXPECT_GE(json["last_receive_age_seconds"].GetDouble(), 0.0);
  EXPECT_LT(json["last_receive_age_seconds"].GetDouble(), 5.0) << health->body;

  // Anything but GET on the two paths is refused, other paths are not there.
  auto posted = get(port, "/health", "POST");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 405);
  auto other = get(port, "/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);

  // The totals line at stop carries the receive latency too.
  sqsds_[0]->send_signal(SIGTERM);
  ASSERT_TRUE(sqsds_[0]->wait_for_exit(15s));
  EXPECT_EQ(lines_with(sqsd_log(0), {"sqsd totals: received=6 posted=6 succeeded=5 failed=1 deleted=5",
                                     "released=1", " receives=", "receive_ms_mean=", "receive_ms_p99="})
                .size(),
            1u)
      << sqsd_log(0);
}

TEST_F(SqsdHealth, OffByDefaultAndAPortInUseStopsTheStart) {
  const std::string queue = create_queue("health-off");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""));
  EXPECT_TRUE(lines_with(sqsd_log(0), {"health on"}).empty()) << sqsd_log(0);

  // The worker's port is taken: a daemon asked to serve health there does not start.
  const auto log = dir_.path() / "sqsd-taken.log";
  Process daemon(Process::Options{.program = EBWORKER_BINARY,
                                  .args = {"sqsd", "--queue-url", queue, "--worker-url", worker.url(""), "--wait-time",
                                           "1", "--leader=false", "--health-port", std::to_string(worker.port())},
                                  .env = sqsd_env(),
                                  .workdir = dir_.path(),
                                  .stdout_path = log,
                                  .stderr_path = {}});
  const auto exited = daemon.wait_for_exit(20s);
  ASSERT_TRUE(exited) << read_file(log);
  EXPECT_EQ(exited->code, 2) << exited->describe();
  EXPECT_FALSE(lines_with(read_file(log), {"--health-port"}).empty()) << read_file(log);
}

}  // namespace
}  // namespace ebworker::testing
