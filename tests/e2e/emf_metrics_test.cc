// EBWORKER_METRICS_EMF through fauxqs, `ebworker sqsd` and the worker: the worker's stdout holds
// CloudWatch embedded metric format lines every second, raw JSON objects with `_aws`, and their
// values summed per job class are what ran, both while it runs and after its final record.

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "core/json.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

// Per job class, per metric: the sum over every EMF line of the log.
using Sums = std::map<std::string, std::map<std::string, double>>;

Sums emf_sums(const std::string& log) {
  Sums sums;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"_aws\"") == std::string::npos) continue;
    auto doc = parse_json(line);
    EXPECT_TRUE(doc && doc->IsObject()) << "an EMF line that is not a JSON object: " << line;
    if (!doc || !doc->IsObject() || !(*doc)["_aws"].IsObject()) continue;
    const auto& directive = (*doc)["_aws"]["CloudWatchMetrics"][0];
    EXPECT_STREQ(directive["Namespace"].GetString(), "ebworker") << line;
    for (const auto& metric : directive["Metrics"].GetArray()) {
      const char* name = metric["Name"].GetString();
      if (std::string_view(metric["Unit"].GetString()) == "Count")
        sums[(*doc)["job"].GetString()][name] += (*doc)[name].GetDouble();
    }
  }
  return sums;
}

class EmfMetrics : public LocalStackTest {};

TEST_F(EmfMetrics, TheRecordsSumToWhatRan) {
  const std::string queue = create_queue("emf");
  auto& worker = start_worker({{"EBWORKER_METRICS_EMF", "true"}, {"EBWORKER_METRICS_EMF_INTERVAL", "1"}});
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  const auto c = client(queue);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.enqueue("EchoJob", R"(["emf"])"));
  ASSERT_TRUE(c.enqueue("OutcomeJob", R"(["fail","upstream down"])"));
  ASSERT_TRUE(c.enqueue("OutcomeJob", R"(["discard","customer 42 does not exist"])"));

  const Sums expected = {
      {"EchoJob", {{"done", 3}, {"failed", 0}, {"retried", 0}, {"discarded", 0}, {"dead_lettered", 0}}},
      {"OutcomeJob", {{"done", 0}, {"failed", 1}, {"retried", 0}, {"discarded", 1}, {"dead_lettered", 0}}},
  };
  // Written by the interval thread while the worker runs (the failed message waits 600 s).
  ASSERT_TRUE(eventually([&] { return emf_sums(worker.log()) == expected; }, 20s)) << worker.log();
  EXPECT_TRUE(worker.stop().success()) << worker.log();
  // The final record at shutdown adds nothing already reported.
  EXPECT_EQ(emf_sums(worker.log()), expected) << worker.log();
  // Each EMF line is the raw object, not inside a log line.
  for (const auto& line : lines_with(worker.log(), {"\"_aws\""})) EXPECT_EQ(line.rfind("{\"_aws\":", 0), 0u) << line;
}

TEST_F(EmfMetrics, AWorkerStoppedWithinItsIntervalStillReports) {
  const std::string queue = create_queue("emf-final");
  auto& worker = start_worker({{"EBWORKER_METRICS_EMF", "true"}});  // every 60 s: only the final record
  start_sqsd(queue, worker.url(""));
  ASSERT_TRUE(client(queue).enqueue("EchoJob", R"(["emf"])"));
  ASSERT_TRUE(eventually([&] { return !lines_with(worker.log(), {"POST / status=200"}).empty(); }, 20s))
      << worker.log();
  EXPECT_TRUE(lines_with(worker.log(), {"\"_aws\""}).empty()) << worker.log();
  EXPECT_TRUE(worker.stop().success()) << worker.log();
  EXPECT_EQ(emf_sums(worker.log())["EchoJob"]["done"], 1) << worker.log();
}

}  // namespace
}  // namespace ebworker::testing
