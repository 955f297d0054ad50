// run_job, the dispatch boundary, and the answer its outcome becomes (job_outcome.h): how a job
// ended turns into the status the daemon acts on.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stop_token>
#include <stdexcept>
#include <string>

#include "worker/job_counters.h"
#include "worker/job_outcome.h"
#include "worker/job_runner.h"

namespace ebworker {
namespace {

class SumJob : public Job {
 public:
  JobResult perform(const rapidjson::Value& arguments, JobContext& context) override {
    int sum = 0;
    for (const auto& v : arguments.GetArray()) sum += v.GetInt();
    context.queue_name = "sum=" + std::to_string(sum);  // visible to the caller
    return done();
  }
};

class FailJob : public Job {
 public:
  JobResult perform(const rapidjson::Value&, JobContext&) override { return fail("upstream said no"); }
};

class ThrowJob : public Job {
 public:
  JobResult perform(const rapidjson::Value&, JobContext&) override {
    throw std::out_of_range("index 9 of 3");
  }
};

class ThrowIntJob : public Job {
 public:
  JobResult perform(const rapidjson::Value&, JobContext&) override { throw 42; }
};

// Ends as its constructor says: each of the result kinds.
class OutcomeJob : public Job {
 public:
  explicit OutcomeJob(JobResult result) : result_(std::move(result)) {}
  JobResult perform(const rapidjson::Value&, JobContext&) override { return result_; }

 private:
  JobResult result_;
};

// A run as the daemon hears it: through the one mapping of outcomes to answers.
Response answered_run(const JobRegistry& registry, std::string_view name, const rapidjson::Value& arguments,
                      JobContext& context, std::stop_token shutdown = {}) {
  JobCounters counters;
  return answer(outcome_of(run_job(registry, name, arguments, context, std::move(shutdown))), counters);
}

class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.add("SumJob", [] { return std::make_unique<SumJob>(); });
    registry.add("FailJob", [] { return std::make_unique<FailJob>(); });
    registry.add("ThrowJob", [] { return std::make_unique<ThrowJob>(); });
    registry.add("ThrowIntJob", [] { return std::make_unique<ThrowIntJob>(); });
    arguments.Parse("[1,2,3]");
  }

  Response run(std::string_view name) { return answered_run(registry, name, arguments, context); }

  JobRegistry registry;
  rapidjson::Document arguments;
  JobContext context{.message_id = "m-1",
                     .job_id = "",
                     .receive_count = 1,
                     .first_received_at = "",
                     .queue_name = "",
                     .task_name = std::nullopt,
                     .scheduled_at = std::nullopt,
                     .log = JobLog("m-1", "test")};
};

TEST_F(JobRunnerTest, SuccessIs200) {
  const Response r = run("SumJob");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK\n");
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(context.queue_name, "sum=6");
}

TEST_F(JobRunnerTest, UnknownJobIs404) {
  const Response r = run("NoSuchJob");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.reason, "unknown job NoSuchJob");
  EXPECT_EQ(r.body, "unknown job NoSuchJob\n");
  EXPECT_EQ(run("sumjob").status, 404);  // names are exact
}

TEST_F(JobRunnerTest, FailureIs500WithTheReason) {
  const Response r = run("FailJob");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "job failed: upstream said no");
}

TEST_F(JobRunnerTest, ExceptionIs500WithItsMessage) {
  const Response r = run("ThrowJob");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "job threw: index 9 of 3");
}

TEST_F(JobRunnerTest, NonStandardExceptionIs500) {
  const Response r = run("ThrowIntJob");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "job threw a non-standard exception");
}

// A retry policy's retry_if chooses by what the job threw: the run carries it, as thrown.
TEST_F(JobRunnerTest, AThrowIsCarriedForTheRetryPolicy) {
  const JobRun thrown = run_job(registry, "ThrowJob", arguments, context);
  const FailedRun failure{.reason = thrown.reason, .exception = thrown.exception};
  EXPECT_TRUE(failure.threw<std::out_of_range>());
  EXPECT_EQ(failure.reason, "index 9 of 3");
  EXPECT_TRUE(run_job(registry, "ThrowIntJob", arguments, context).exception);
  EXPECT_FALSE(run_job(registry, "FailJob", arguments, context).exception);
}

// The factory runs the job's constructor: what it throws is the job's failure too (it once
// escaped the dispatch boundary and ended the worker).
TEST_F(JobRunnerTest, AConstructorThatThrowsIs500) {
  registry.add("BrokenJob", []() -> std::unique_ptr<Job> { throw std::runtime_error("no database"); });
  registry.add("BrokenIntJob", []() -> std::unique_ptr<Job> { throw 7; });
  const Response r = run("BrokenJob");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "job threw: no database");
  EXPECT_EQ(run("BrokenIntJob").status, 500);
}

TEST_F(JobRunnerTest, DiscardIs200WithTheReason) {
  registry.add("Bad", [] { return std::make_unique<OutcomeJob>(discard("no such customer 42")); });
  const Response r = run("Bad");
  EXPECT_EQ(r.status, 200);  // deleted: retrying cannot help
  EXPECT_EQ(r.reason, "discarded: no such customer 42");
  EXPECT_EQ(r.body, "discarded\n");
}

TEST_F(JobRunnerTest, RetryInIs503WithRetryAfter) {
  registry.add("Later", [] { return std::make_unique<OutcomeJob>(retry_in(std::chrono::seconds(90), "rate limited")); });
  const Response r = run("Later");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.reason, "retry in 90 s: rate limited");
  EXPECT_EQ(r.headers.get("Retry-After"), "90");
}

TEST_F(JobRunnerTest, RetryDelaysStayWithinWhatSqsCanHold) {
  EXPECT_EQ(retry_in(std::chrono::seconds(-5), "").delay(), std::chrono::seconds(0));
  EXPECT_EQ(retry_in(std::chrono::hours(13), "").delay(), std::chrono::seconds(43200));
  EXPECT_EQ(retry_in(std::chrono::seconds(1), "x").kind(), JobResult::Kind::retry);
}

TEST_F(JobRunnerTest, OnlyDoneIsTrue) {
  EXPECT_TRUE(done());
  EXPECT_FALSE(JobResult(fail("x")));
  EXPECT_FALSE(discard("x"));
  EXPECT_FALSE(retry_in(std::chrono::seconds(1), "x"));
  EXPECT_EQ(JobResult(fail("why")).reason(), "why");
}

// Waits for its stop token, up to a minute.
class PatientJob : public Job {
 public:
  JobResult perform(const rapidjson::Value&, JobContext& context) override {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, context.stop, std::chrono::minutes(1), [] { return false; });
    return context.stop.stop_requested() ? fail("told to stop") : done();
  }
};

TEST_F(JobRunnerTest, ARunPastItsTimeLimitIsAskedToStop) {
  registry.add("Patient", [] { return std::make_unique<PatientJob>(); }, {.time_limit = std::chrono::seconds(1)});
  EXPECT_EQ(registry.options("Patient").time_limit, std::chrono::seconds(1));
  const Response r = run("Patient");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "stopped at its time limit of 1 s: job failed: told to stop");
}

TEST_F(JobRunnerTest, ShutdownAsksTheRunToStop) {
  registry.add("Patient", [] { return std::make_unique<PatientJob>(); });
  std::stop_source shutdown;
  auto answer = std::async(std::launch::async,
                           [&] { return answered_run(registry, "Patient", arguments, context, shutdown.get_token()); });
  // Not before the shutdown: the job waits a minute unless told.
  EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  shutdown.request_stop();
  const Response r = answer.get();
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "stopped for shutdown: job failed: told to stop");
}

TEST_F(JobRunnerTest, AJobDoneDespiteAStopRequestIsDone) {
  std::stop_source shutdown;
  shutdown.request_stop();
  EXPECT_EQ(answered_run(registry, "SumJob", arguments, context, shutdown.get_token()).status, 200);
}

struct LimitedJob : Job {
  static constexpr std::string_view name = "LimitedJob";
  static constexpr std::chrono::seconds time_limit{300};
  static constexpr bool allow_overlap = true;
  JobResult perform(const rapidjson::Value&, JobContext&) override { return done(); }
};

TEST_F(JobRunnerTest, AClassDeclaresItsOptions) {
  registry.add<LimitedJob>();
  EXPECT_EQ(registry.options("LimitedJob").time_limit, std::chrono::seconds(300));
  EXPECT_TRUE(registry.options("LimitedJob").allow_overlap);
  EXPECT_EQ(registry.options("SumJob").time_limit, std::chrono::seconds(0));
  EXPECT_FALSE(registry.options("SumJob").allow_overlap);
}

TEST_F(JobRunnerTest, EachRunGetsAFreshInstance) {
  int created = 0;
  JobRegistry counting;
  counting.add("Counted", [&] {
    ++created;
    return std::make_unique<SumJob>();
  });
  EXPECT_EQ(answered_run(counting, "Counted", arguments, context).status, 200);
  EXPECT_EQ(answered_run(counting, "Counted", arguments, context).status, 200);
  EXPECT_EQ(created, 2);
}

}  // namespace
}  // namespace ebworker
