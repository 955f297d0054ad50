// Each limit's use on /metrics and the status page, through fauxqs, dynalite as the limits
// table, one worker and its daemon: LimitedJob (2 at once per arguments[0]) declares its limit
// from the start; while three long runs of one key are queued, two hold their slots in this
// worker (in use 2) and the third is held back (a concurrency deferral); once they are done,
// none is in use and the deferrals stay counted. The status page's limits table says the same.

#include <gtest/gtest.h>

#include <string>

#include "e2e/support/own_paths.h"
#include "e2e/support/retrying_worker.h"
#include "support/dynalite_process.h"
#include "support/local_stack.h"
#include "support/prometheus_text.h"

namespace ebworker::testing {
namespace {

class FlowControlUse : public LocalStackTest {
 protected:
  FlowControlUse() {
    dynalite_.table("limits");
    EnvChanges env = retrying_worker_env(queue_, "", fauxqs_.endpoint());
    env["EBWORKER_LIMITS_TABLE"] = "limits";
    env["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite_.endpoint();
    env["LIMITED_JOB_OUT"] = (dir_ / "limited.out").string();
    worker_ = &start_worker(env);
    start_sqsd(queue_, worker_->url(""), {"--visibility-timeout", "60", "--error-visibility-timeout", "1",
                                          "--http-connections", "4", "--wait-time", "1"});
  }
  std::optional<double> value(const std::string& name, const PromLabels& labels) const {
    auto parsed = parse_prometheus_text(get_body(*worker_, "/_ebworker/metrics"));
    if (!parsed) return std::nullopt;
    return parsed->value(name, labels);
  }

  DynaliteProcess dynalite_;
  std::string queue_ = create_queue("limit-use");
  WorkerProcess* worker_ = nullptr;
};

TEST_F(FlowControlUse, InUseAndDeferralsMoveOnMetricsAndTheStatusPage) {
  EXPECT_EQ(value("ebworker_limit", {{"job", "LimitedJob"}, {"kind", "concurrency"}}), 2);
  EXPECT_EQ(value("ebworker_limit_in_use", {{"job", "LimitedJob"}}), 0);
  EXPECT_EQ(value("ebworker_limit_deferrals_total", {{"job", "LimitedJob"}, {"reason", "concurrency"}}), 0);

  std::vector<JobToEnqueue> batch(3, {"LimitedJob", "[\"acct-9\", 3000]", {}});
  for (const auto& sent : client(queue_).enqueue_batch(batch)) ASSERT_TRUE(sent) << sent.error().describe();

  EXPECT_TRUE(eventually([&] { return value("ebworker_limit_in_use", {{"job", "LimitedJob"}}) == 2; }, 20s))
      << worker_->log();
  EXPECT_TRUE(eventually(
      [&] {
        return value("ebworker_limit_deferrals_total", {{"job", "LimitedJob"}, {"reason", "concurrency"}}).value_or(0) >= 1;
      },
      20s))
      << worker_->log();
  const std::string busy = get_body(*worker_, "/_ebworker/status");
  EXPECT_NE(busy.find("<tr><td class=\"l\">LimitedJob</td><td>2 at once per key</td><td>2</td>"), std::string::npos)
      << busy;

  ASSERT_TRUE(eventually([&] { return lines_with(read_file(dir_ / "limited.out"), {"acct-9"}).size() == 3; }, 60s))
      << worker_->log();
  EXPECT_TRUE(eventually([&] { return value("ebworker_limit_in_use", {{"job", "LimitedJob"}}) == 0; }, 10s));
  EXPECT_GE(value("ebworker_limit_deferrals_total", {{"job", "LimitedJob"}, {"reason", "concurrency"}}).value_or(0), 1);
  EXPECT_EQ(value("ebworker_limit_deferrals_total", {{"job", "LimitedJob"}, {"reason", "unreachable"}}), 0);
  const std::string idle = get_body(*worker_, "/_ebworker/status");
  EXPECT_NE(idle.find("<tr><td class=\"l\">LimitedJob</td><td>2 at once per key</td><td>0</td>"), std::string::npos)
      << idle;
}

}  // namespace
}  // namespace ebworker::testing
