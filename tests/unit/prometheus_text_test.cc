// The strict exposition-format reader of tests/support: what it accepts, and that it refuses
// each way a scrape could be misread (else the /metrics tests built on it prove nothing).

#include "support/prometheus_text.h"

#include <gtest/gtest.h>

namespace ebworker::testing {
namespace {

TEST(PrometheusText, ReadsFamiliesSamplesAndLabels) {
  const auto parsed = parse_prometheus_text(
      "# HELP a_total A thing.\n"
      "# TYPE a_total counter\n"
      "a_total{job=\"x\",outcome=\"done\"} 3\n"
      "a_total{job=\"y\",outcome=\"done\"} 4 1700000000000\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"1\"} 1\n"
      "h_bucket{le=\"+Inf\"} 2\n"
      "h_sum 3.5\n"
      "h_count 2\n"
      "untyped_thing -1.5e3\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->families.size(), 3u);
  EXPECT_EQ(parsed->families[0].help, "A thing.");
  EXPECT_EQ(parsed->value("a_total", {{"job", "x"}, {"outcome", "done"}}), 3);
  EXPECT_EQ(parsed->sum("a_total", {{"outcome", "done"}}), 7);
  EXPECT_EQ(parsed->value("h_count"), 2);
  EXPECT_EQ(parsed->value("untyped_thing"), -1500);
  EXPECT_EQ(parsed->family("h")->type, "histogram");
}

TEST(PrometheusText, ReadsUtf8LabelValuesAndHelp) {
  const auto parsed = parse_prometheus_text("# HELP a caf\xc3\xa9 \xe2\x82\xac\na{b=\"\xf0\x9f\x98\x80\xef\xbf\xbd\"} 1\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->value("a", {{"b", "\xf0\x9f\x98\x80\xef\xbf\xbd"}}), 1);
}

TEST(PrometheusText, RefusesWhatAScraperCouldMisread) {
  const char* bad[] = {
      "a 1",                                                // no final line feed
      "a{b=\"c\" 1\n",                                      // unterminated labels
      "a{b=c} 1\n",                                         // unquoted value
      "a{b=\"\\t\"} 1\n",                                   // unknown escape
      "a{b=\"x\",b=\"y\"} 1\n",                             // label twice
      "a  1\n",                                             // two spaces
      "a one\n",                                            // bad value
      "1a 1\n",                                             // bad metric name
      "a 1\na 2\n",                                         // series twice
      "a 1\nb 1\na{x=\"y\"} 1\n",                           // not contiguous
      "# TYPE a counter\na -1\n",                           // negative counter
      "# TYPE a gauge\n# TYPE a gauge\na 1\n",              // second TYPE
      "# TYPE a gauge\na 1\n# HELP a late\n",               // HELP after samples
      "# TYPE a nonsense\n",                                // unknown type
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",                         // no +Inf
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",  // not cumulative
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",                      // +Inf != count
      "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n",                                  // no le
      "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",                              // no _sum
      "a 1\r\n",                                            // carriage return
      "a{b=\"x\xff\xfe\"} 1\n",                                // a label value that is not UTF-8
      "a{b=\"\xc0\xaf\"} 1\n",                                 // an overlong form
      "a{b=\"\xed\xa0\x80\"} 1\n",                             // a surrogate
      "a{b=\"cut \xe2\x82\"} 1\n",                             // a cut sequence
      "# HELP a caf\xe9\na 1\n",                                 // HELP in Latin-1
  };
  for (const char* text : bad) EXPECT_FALSE(parse_prometheus_text(text)) << "accepted: " << text;
}

}  // namespace
}  // namespace ebworker::testing
