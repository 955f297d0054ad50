// The worker's /metrics after a known run through fauxqs, `ebworker sqsd` and the worker:
// the counters and the histogram's counts are what ran, and the text is well formed (the strict
// reader of tests/support). ErrorVisibilityTimeout is 600 s, so a failed message is posted once.

#include <gtest/gtest.h>

#include <string>

#include "e2e/support/own_paths.h"
#include "support/local_stack.h"
#include "support/prometheus_text.h"

namespace ebworker::testing {
namespace {

class WorkerMetrics : public LocalStackTest {};

TEST_F(WorkerMetrics, ScrapedCountersAndHistogramCountsAreWhatRan) {
  const std::string queue = create_queue("metrics");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  const auto c = client(queue);
  int sent = 0;
  for (const char* args : {R"(["done"])", R"(["done"])", R"(["done"])", R"(["fail","upstream down"])",
                           R"(["fail","quota"])", R"(["discard","no such customer"])"}) {
    ASSERT_TRUE(c.enqueue("OutcomeJob", args));
    ++sent;
  }
  ASSERT_TRUE(eventually([&] { return lines_with(worker.log(), {"POST / status="}).size() == 6u; }, 20s))
      << worker.log();

  // The answers are counted as they are written, just after their log lines.
  std::string text;
  Result<PromExposition> parsed = fail("not scraped");
  int scrapes = 0;  // each one a 200 counted before the next is answered
  ASSERT_TRUE(eventually(
      [&] {
        text = get_body(worker, "/_ebworker/metrics");
        ++scrapes;
        parsed = parse_prometheus_text(text);
        return parsed && parsed->sum("ebworker_requests_total") >= sent + scrapes - 1;
      },
      5s))
      << text;
  ASSERT_TRUE(parsed) << parsed.error().message << "\n" << text;
  const PromLabels job = {{"job", "OutcomeJob"}};
  const auto outcome = [&](const char* o) {
    return parsed->value("ebworker_jobs_total", {{"job", "OutcomeJob"}, {"outcome", o}});
  };
  EXPECT_EQ(outcome("done"), 3);
  EXPECT_EQ(outcome("failed"), 2);
  EXPECT_EQ(outcome("discarded"), 1);
  EXPECT_EQ(outcome("retried"), 0);
  EXPECT_EQ(outcome("dead_lettered"), 0);
  EXPECT_EQ(parsed->sum("ebworker_jobs_total"), 6) << "no other job, and nothing counted twice";
  EXPECT_EQ(parsed->value("ebworker_job_duration_seconds_count", job), 6);
  EXPECT_EQ(parsed->value("ebworker_job_duration_seconds_bucket", {{"job", "OutcomeJob"}, {"le", "+Inf"}}), 6);
  EXPECT_EQ(parsed->value("ebworker_requests_total", {{"status", "200"}}), 4 + scrapes - 1);
  EXPECT_EQ(parsed->value("ebworker_requests_total", {{"status", "500"}}), 2);
  EXPECT_EQ(parsed->value("ebworker_busy_total"), 0);
  EXPECT_EQ(parsed->value("ebworker_jobs_running"), 0);
  EXPECT_TRUE(parsed->value("ebworker_job_threads").has_value());
  EXPECT_EQ(parsed->family("ebworker_job_duration_seconds")->type, "histogram");

  long status = 0;
  const std::string health = get_body(worker, "/_ebworker/health", &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(health.find("{\"status\":\"ok\",\"jobs_running\":0,"), std::string::npos) << health;

  // The scrapes are requests too, counted by status, and none of them took a job thread.
  const auto again = parse_prometheus_text(get_body(worker, "/_ebworker/metrics"));
  ASSERT_TRUE(again);
  EXPECT_GE(again->value("ebworker_requests_total", {{"status", "200"}}).value_or(0), 4 + 2);
  EXPECT_EQ(again->sum("ebworker_jobs_total"), 6);
}

}  // namespace
}  // namespace ebworker::testing
