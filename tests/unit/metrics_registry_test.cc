// The metrics registry's text exposition, read back by the strict parser tests use on /metrics.

#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/text_format.h"
#include "support/prometheus_text.h"

namespace ebworker::metrics {
namespace {

using testing::parse_prometheus_text;

TEST(MetricsRegistry, CountersAndGaugesWithLabelsAreExposedWithHelpAndType) {
  Registry registry;
  auto& requests = registry.counter("ebworker_requests_total", "Requests answered, by status.", {"status"});
  requests.with({"200"}).inc(3);
  requests.with({"503"}).inc();
  registry.gauge("ebworker_jobs_running", "Jobs running now.").with({}).set(2);

  EXPECT_EQ(registry.expose(),
            "# HELP ebworker_requests_total Requests answered, by status.\n"
            "# TYPE ebworker_requests_total counter\n"
            "ebworker_requests_total{status=\"200\"} 3\n"
            "ebworker_requests_total{status=\"503\"} 1\n"
            "# HELP ebworker_jobs_running Jobs running now.\n"
            "# TYPE ebworker_jobs_running gauge\n"
            "ebworker_jobs_running 2\n");
}

TEST(MetricsRegistry, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  registry.counter("x_total", "a \\ and a\nline", {"job"}).with({"A\"b\\c\nd"}).inc();
  const std::string text = registry.expose();
  EXPECT_NE(text.find("# HELP x_total a \\\\ and a\\nline\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_total{job=\"A\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  const auto parsed = parse_prometheus_text(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->value("x_total", {{"job", "A\"b\\c\nd"}}), 1);
  EXPECT_EQ(parsed->family("x_total")->help, "a \\ and a\nline");
}

TEST(MetricsRegistry, LabelValuesAreValidUtf8AndBoundedAndSoAreTheirSeries) {
  Registry registry;
  auto& family = registry.counter("x_total", "X.", {"job"});
  family.with({"x\xff\xfe"}).inc();
  family.with({"x\xfe\xff"}).inc();  // the same once repaired: the same series
  const std::string long_name(1 << 20, 'n');
  family.with({long_name}).inc();
  family.with({long_name + "different past the bound"}).inc();
  registry.histogram("x_seconds", "X.", {1}, {"job"}).with({"caf\xc3"}).observe(0.5);
  const std::string text = registry.expose();
  EXPECT_LT(text.size(), 1000u);
  const auto parsed = parse_prometheus_text(text);  // refuses text that is not UTF-8
  ASSERT_TRUE(parsed) << parsed.error().message << "\n" << text;
  EXPECT_EQ(parsed->value("x_total", {{"job", "x\uFFFD\uFFFD"}}), 2);
  EXPECT_EQ(parsed->value("x_total", {{"job", std::string(kMaxLabelValueBytes, 'n') + "\u2026"}}), 2);
  EXPECT_EQ(parsed->value("x_seconds_count", {{"job", "caf\uFFFD"}}), 1);
  EXPECT_EQ(parsed->family("x_total")->samples.size(), 2u);
}

TEST(MetricsRegistry, HistogramsHaveCumulativeBucketsSumAndCount) {
  Registry registry;
  auto& h = registry.histogram("job_seconds", "Run time.", {0.1, 1, 10}, {"job"}).with({"EchoJob"});
  h.observe(0.05);
  h.observe(0.1);  // le is "less than or equal"
  h.observe(0.5);
  h.observe(100);
  EXPECT_EQ(registry.expose(),
            "# HELP job_seconds Run time.\n"
            "# TYPE job_seconds histogram\n"
            "job_seconds_bucket{job=\"EchoJob\",le=\"0.1\"} 2\n"
            "job_seconds_bucket{job=\"EchoJob\",le=\"1\"} 3\n"
            "job_seconds_bucket{job=\"EchoJob\",le=\"10\"} 3\n"
            "job_seconds_bucket{job=\"EchoJob\",le=\"+Inf\"} 4\n"
            "job_seconds_sum{job=\"EchoJob\"} 100.65\n"
            "job_seconds_count{job=\"EchoJob\"} 4\n");
  ASSERT_TRUE(parse_prometheus_text(registry.expose()));
}

TEST(MetricsRegistry, AFamilyWithNoSeriesYetIsOnlyItsHelpAndType) {
  Registry registry;
  registry.counter("a_total", "A.", {"job"});
  EXPECT_EQ(registry.expose(), "# HELP a_total A.\n# TYPE a_total counter\n");
}

TEST(MetricsRegistry, AGaugeFunctionIsReadAtEachScrape) {
  Registry registry;
  double threads = 4;
  registry.gauge_function("ebworker_job_threads", "Pool size.", [&] { return threads; });
  EXPECT_NE(registry.expose().find("ebworker_job_threads 4\n"), std::string::npos);
  threads = 8;
  EXPECT_NE(registry.expose().find("ebworker_job_threads 8\n"), std::string::npos);
}

TEST(MetricsRegistry, ASeriesIsResolvedOnceAndStaysTheSame) {
  Registry registry;
  auto& family = registry.counter("b_total", "B.", {"a", "b"});
  Counter& first = family.with({"x", "y"});
  EXPECT_EQ(&first, &family.with({"x", "y"}));
  EXPECT_NE(&first, &family.with({"y", "x"}));
}

TEST(MetricsRegistry, BadNamesDuplicatesAndArityAreProgrammingErrors) {
  Registry registry;
  EXPECT_THROW(registry.counter("1bad", "."), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", ".", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok_total", ".", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", ".", {1, 1}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", ".", {1, INFINITY}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", ".", {1}, {"le"}), std::invalid_argument);
  auto& c = registry.counter("c_total", ".", {"a"});
  EXPECT_THROW(registry.gauge("c_total", "."), std::invalid_argument);
  EXPECT_THROW(c.with({"x", "y"}), std::invalid_argument);
}

TEST(MetricsTextFormat, ValuesAreShortestExactIntegersPlainAndInfinitiesSpelled) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.005), "0.005");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_value(NAN), "NaN");
  EXPECT_EQ(format_value(1e21), "1e+21");
}

TEST(MetricsHistogram, QuantileInterpolatesInsideItsBucket) {
  Histogram h({1, 2, 4});
  EXPECT_EQ(quantile(h.snapshot(), 0.95), 0);
  for (int i = 0; i < 10; ++i) h.observe(1.5);  // all in (1, 2]
  EXPECT_DOUBLE_EQ(quantile(h.snapshot(), 0.5), 1.5);
  EXPECT_DOUBLE_EQ(quantile(h.snapshot(), 1.0), 2);
  h.observe(100);  // +Inf bucket: reported as the highest bound
  EXPECT_DOUBLE_EQ(quantile(h.snapshot(), 1.0), 4);
}

}  // namespace
}  // namespace ebworker::metrics
