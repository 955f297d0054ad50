// emf_records: one CloudWatch embedded metric format line per job class that changed, its
// values the deltas since the previous snapshot, the _aws directive exactly as CloudWatch reads it.

#include "worker/emf_reporter.h"

#include <gtest/gtest.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;

const auto kAt = std::chrono::sys_days{std::chrono::year{2026} / 3 / 14} + 10h + 250ms;
const std::int64_t kAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(kAt.time_since_epoch()).count();

std::string compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

rapidjson::Document parsed(const std::string& line) {
  auto doc = parse_json(line);
  EXPECT_TRUE(doc && doc->IsObject()) << line;
  return doc ? std::move(*doc) : rapidjson::Document{};
}

TEST(EmfRecords, DeltasPerChangedJobClassWithTheExactDirective) {
  JobCounters counters;
  counters.recognise({"EchoJob", "QuietJob", "NewJob", "NightlyJob"});
  counters.count({.outcome = JobOutcome::done, .job = "EchoJob", .ran = 0.010s});
  counters.count({.outcome = JobOutcome::done, .job = "QuietJob", .ran = 0.5s});
  const auto previous = counters.by_job();
  counters.count({.outcome = JobOutcome::done, .job = "EchoJob", .ran = 0.020s});
  counters.count({.outcome = JobOutcome::done, .job = "EchoJob", .ran = 0.040s});
  counters.count({.outcome = JobOutcome::failed, .job = "EchoJob", .reason = "boom", .ran = 0.060s});
  counters.count({.outcome = JobOutcome::discarded, .job = "NewJob"});  // not timed
  counters.count({.outcome = JobOutcome::dead_lettered, .job = "NewJob"});
  counters.count({.outcome = JobOutcome::skipped, .job = "NightlyJob"});  // not reported

  const auto lines = emf_records(previous, counters.by_job(), "MyApp/Jobs", kAt);
  ASSERT_EQ(lines.size(), 2u);  // QuietJob unchanged, NightlyJob only skipped
  const auto echo = parsed(lines[0]);
  const std::string metrics =
      R"({"Name":"done","Unit":"Count"},{"Name":"failed","Unit":"Count"},{"Name":"retried","Unit":"Count"},)"
      R"({"Name":"discarded","Unit":"Count"},{"Name":"dead_lettered","Unit":"Count"})";
  EXPECT_EQ(compact(echo["_aws"]), R"({"Timestamp":)" + std::to_string(kAtMs) +
                                       R"(,"CloudWatchMetrics":[{"Namespace":"MyApp/Jobs","Dimensions":[["job"]],)"
                                       R"("Metrics":[)" + metrics + R"(,{"Name":"duration","Unit":"Milliseconds"}]}]})");
  EXPECT_STREQ(echo["job"].GetString(), "EchoJob");
  EXPECT_EQ(echo["done"].GetUint64(), 2u);
  EXPECT_EQ(echo["failed"].GetUint64(), 1u);
  EXPECT_EQ(echo["retried"].GetUint64(), 0u);
  EXPECT_EQ(echo["discarded"].GetUint64(), 0u);
  EXPECT_EQ(echo["dead_lettered"].GetUint64(), 0u);
  EXPECT_NEAR(echo["duration"].GetDouble(), 40.0, 1e-6);  // (20 + 40 + 60) / 3 ms: the interval's runs only
  EXPECT_FALSE(echo.HasMember("skipped"));

  // A class new since the previous record starts from zero; without a timed run, no duration.
  const auto fresh = parsed(lines[1]);
  EXPECT_STREQ(fresh["job"].GetString(), "NewJob");
  EXPECT_EQ(fresh["discarded"].GetUint64(), 1u);
  EXPECT_EQ(fresh["dead_lettered"].GetUint64(), 1u);
  EXPECT_EQ(fresh["done"].GetUint64(), 0u);
  EXPECT_FALSE(fresh.HasMember("duration"));
  EXPECT_EQ(compact(fresh["_aws"]["CloudWatchMetrics"][0]["Metrics"]), "[" + metrics + "]");
}

TEST(EmfRecords, NothingChangedIsNoRecordAndTheFirstIsTheTotals) {
  JobCounters counters;
  counters.recognise({"SlowJob"});
  EXPECT_TRUE(emf_records({}, counters.by_job(), "ebworker", kAt).empty());
  counters.count({.outcome = JobOutcome::retried, .job = "SlowJob", .ran = 2s});
  const auto now = counters.by_job();
  EXPECT_TRUE(emf_records(now, now, "ebworker", kAt).empty());
  const auto first = emf_records({}, now, "ebworker", kAt);
  ASSERT_EQ(first.size(), 1u);
  const auto doc = parsed(first[0]);
  EXPECT_EQ(doc["retried"].GetUint64(), 1u);
  EXPECT_NEAR(doc["duration"].GetDouble(), 2000.0, 1e-6);
  EXPECT_STREQ(doc["_aws"]["CloudWatchMetrics"][0]["Namespace"].GetString(), "ebworker");
}

TEST(EmfRecords, NoJobOrAnUnknownOneIsOneDimensionValueCloudWatchTakes) {
  JobCounters counters;
  counters.recognise({"EchoJob"});
  counters.count({.outcome = JobOutcome::failed, .job = "", .reason = "bad body"});
  counters.count({.outcome = JobOutcome::failed, .job = "x\xff\xfe", .reason = "unknown job"});
  counters.count({.outcome = JobOutcome::failed, .job = std::string(1 << 20, 'x'), .reason = "unknown job"});
  const auto lines = emf_records({}, counters.by_job(), "ebworker", kAt);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_STREQ(parsed(lines[0])["job"].GetString(), "(unknown)");
  EXPECT_EQ(parsed(lines[0])["failed"].GetUint64(), 3u);
}

TEST(EmfRecords, EveryStringIsValidUtf8) {
  // A summary as by_job() could hold it, bypassing JobCounters: the namespace is configuration,
  // the job a label value; the record repairs what is not UTF-8 rather than write it raw.
  JobCounters::JobSummary summary;
  summary.job = "x\xff\xfe";
  summary.counts[0] = 1;
  const auto lines = emf_records({}, {summary}, "ns\xc0", kAt);
  ASSERT_EQ(lines.size(), 1u);
  const auto doc = parsed(lines[0]);  // parse_json validates the encoding
  ASSERT_TRUE(doc.IsObject()) << lines[0];
  EXPECT_STREQ(doc["job"].GetString(), "x\uFFFD\uFFFD");
  EXPECT_STREQ(doc["_aws"]["CloudWatchMetrics"][0]["Namespace"].GetString(), "ns\uFFFD");
}

TEST(EmfReporter, WritesEachIntervalAndOnceMoreWhenStopped) {
  auto counters = std::make_shared<JobCounters>();
  std::mutex mutex;
  std::vector<std::string> written;
  EmfReporter reporter(counters, "ebworker", 3600s, [&](const std::string& line) {
    std::lock_guard lock(mutex);
    written.push_back(line);
  });
  counters->count({.outcome = JobOutcome::done, .job = "EchoJob", .ran = 0.01s});
  reporter.stop();  // long before the hour: the final record alone
  reporter.stop();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(parsed(written[0])["done"].GetUint64(), 1u);
}

}  // namespace
}  // namespace ebworker
