// Continuable jobs (ebworker/worker/job_steps.h): which steps a run does, where it stops, what
// it hands on, and how that progress travels in the envelope and comes back as the next run's.

#include <gtest/gtest.h>

#include <chrono>
#include <stop_token>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "envelope/active_job_body.h"
#include "envelope/envelope.h"
#include "worker/continuation.h"
#include "worker/job_counters.h"
#include "worker/job_outcome.h"
#include "worker/job_runner.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;

JobContext fresh_context() {
  return JobContext{.message_id = "m-1",
                    .job_id = "",
                    .receive_count = 1,
                    .first_received_at = "",
                    .queue_name = "",
                    .task_name = std::nullopt,
                    .scheduled_at = std::nullopt,
                    .log = JobLog("m-1", "test")};
}

// A context whose run has spent its budget already.
JobContext spent_context() {
  JobContext c = fresh_context();
  c.budget = 1s;
  c.started = std::chrono::steady_clock::now() - 2s;
  return c;
}

// Three steps, recording what ran: once, a range of 10, a cursor of its own.
struct ThreeSteps {
  std::vector<std::string> ran;
  void operator()(JobContext& c) {
    c.step("prepare", [&] { ran.push_back("prepare"); });
    c.step("rows", 0, 10, [&](std::int64_t i) { ran.push_back("row " + std::to_string(i)); });
    c.step("pages", [&](Step& step) {
      std::string page = step.cursor().IsString() ? step.cursor().GetString() : "a";
      while (page <= "c") {
        ran.push_back("page " + page);
        page = std::string(1, static_cast<char>(page[0] + 1));
        step.advance(page);
      }
    });
  }
};

std::string json_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return out.GetString();
}

TEST(JobSteps, WithNoReasonToStopEveryStepRunsOnceInOrder) {
  JobContext c = fresh_context();
  ThreeSteps job;
  job(c);
  EXPECT_EQ(job.ran.size(), 1u + 10u + 3u);
  EXPECT_EQ(job.ran.front(), "prepare");
  EXPECT_EQ(job.ran[10], "row 9");
  EXPECT_EQ(job.ran.back(), "page c");
  EXPECT_EQ(c.continuation.completed, (std::vector<std::string>{"prepare", "rows", "pages"}));
  EXPECT_FALSE(c.continuation.current);
}

TEST(JobSteps, ASpentBudgetStopsAtTheFirstBoundaryAfterSomeWork) {
  JobContext c = spent_context();
  ThreeSteps job;
  EXPECT_THROW(job(c), StepsInterrupted);
  // The run did one step (work is never handed on undone), and stopped before the next.
  EXPECT_EQ(job.ran, (std::vector<std::string>{"prepare"}));
  EXPECT_EQ(where_steps_stand(c.continuation), "after step prepare");
  EXPECT_EQ(json_of(continuation_json(c.continuation)), R"({"completed":["prepare"]})");
}

TEST(JobSteps, AStopInsideARangeHandsOnItsNextIndex) {
  JobContext c = fresh_context();
  std::stop_source stop;
  c.stop = stop.get_token();
  std::vector<std::int64_t> done;
  EXPECT_THROW(c.step("rows", 5, 100,
                      [&](std::int64_t i) {
                        done.push_back(i);
                        if (i == 7) stop.request_stop();
                      }),
               StepsInterrupted);
  EXPECT_EQ(done, (std::vector<std::int64_t>{5, 6, 7}));
  EXPECT_EQ(json_of(continuation_json(c.continuation)), R"({"completed":[],"current":["rows",8]})");
  EXPECT_EQ(where_steps_stand(c.continuation), "in step rows at cursor 8");
}

TEST(JobSteps, ARangeEndingAtTheStopCompletesInsteadOfHandingOnNothing) {
  JobContext c = fresh_context();
  std::stop_source stop;
  c.stop = stop.get_token();
  c.step("rows", 0, 3, [&](std::int64_t i) {
    if (i == 2) stop.request_stop();
  });
  EXPECT_EQ(c.continuation.completed, (std::vector<std::string>{"rows"}));
  // Any later step hands on before it starts.
  bool ran = false;
  EXPECT_THROW(c.step("after", [&] { ran = true; }), StepsInterrupted);
  EXPECT_FALSE(ran);
}

TEST(JobSteps, TheNextRunSkipsCompletedStepsAndResumesFromTheCursor) {
  JobContext first = spent_context();
  std::vector<std::string> all;
  // Each run (budget spent from the start) does one piece of work, then hands on.
  for (int run = 0; run < 20; ++run) {
    JobContext next = spent_context();
    if (run > 0) {
      const rapidjson::Document sent = continuation_json(first.continuation);
      next.continuation = continuation_of(sent);
    }
    ThreeSteps job;
    bool finished = true;
    try {
      job(next);
    } catch (const StepsInterrupted&) {
      finished = false;
    }
    // A step with a cursor of its own cannot tell its last advance from the others: the run
    // after it finds nothing left, and completes it.
    ASSERT_EQ(job.ran.size(), finished && run == 14 ? 0u : 1u) << "run " << run;
    all.insert(all.end(), job.ran.begin(), job.ran.end());
    first = next;
    first.continuation.advanced = false;
    if (finished) break;
  }
  ThreeSteps whole;
  JobContext c = fresh_context();
  whole(c);
  EXPECT_EQ(all, whole.ran);  // every piece once, in order, across 15 runs
}

TEST(JobSteps, AStepNamedOtherThanTheOneUnderWayStartsFresh) {
  JobContext c = fresh_context();
  rapidjson::Document sent;
  sent.Parse(R"({"completed":["old"],"current":["renamed",42]})");
  c.continuation = continuation_of(sent);
  std::vector<std::int64_t> done;
  c.step("old", [&] { FAIL() << "a completed step ran again"; });
  c.step("rows", 0, 2, [&](std::int64_t i) { done.push_back(i); });
  EXPECT_EQ(done, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(c.continuation.completed, (std::vector<std::string>{"old", "rows"}));
}

TEST(JobSteps, TheContextSeesItsBudget) {
  JobContext c = fresh_context();
  EXPECT_FALSE(c.budget_spent());  // no budget: never spent
  c.budget = 60s;
  c.started = std::chrono::steady_clock::now();
  EXPECT_FALSE(c.budget_spent());
  EXPECT_FALSE(c.should_stop());
  c.started -= 61s;
  EXPECT_TRUE(c.budget_spent());
  EXPECT_TRUE(c.should_stop());
}

TEST(JobSteps, ACopiedContextKeepsItsOwnCursor) {
  JobContext c = fresh_context();
  c.step("pages", [](Step& step) { step.set_cursor("p-1"); });
  JobContext copy = c;
  EXPECT_EQ(copy.continuation.completed, c.continuation.completed);
  c.continuation.current = "x";
  c.continuation.cursor.SetInt(3);
  EXPECT_FALSE(copy.continuation.current);
  EXPECT_TRUE(copy.continuation.cursor.IsNull());
}

// --- through the runner ----------------------------------------------------------------------

class TwoRowsJob : public Job {
 public:
  JobResult perform(const rapidjson::Value&, JobContext& context) override {
    context.step("rows", 0, 2, [](std::int64_t) {});
    return done();
  }
};

TEST(JobSteps, TheRunnerSeesAHandOffAndWithoutAQueueItIsAnswered503) {
  JobRegistry registry;
  registry.add("TwoRowsJob", [] { return std::make_unique<TwoRowsJob>(); });
  const rapidjson::Document no_arguments(rapidjson::kArrayType);
  std::stop_source shutdown;
  shutdown.request_stop();
  JobContext c = fresh_context();
  const JobRun run = run_job(registry, "TwoRowsJob", no_arguments, c, shutdown.get_token());
  EXPECT_TRUE(run.handed_on);
  EXPECT_TRUE(run.stopped);
  EXPECT_FALSE(run.threw);
  EXPECT_EQ(json_of(continuation_json(c.continuation)), R"({"completed":[],"current":["rows",1]})");
  const Outcome outcome = outcome_of(run);
  EXPECT_EQ(outcome.status, 503);
  EXPECT_EQ(outcome.fate, JobOutcome::failed);
  EXPECT_EQ(outcome.reason,
            "stopped for shutdown at a step boundary, with no EBWORKER_QUEUE_URL to send its continuation to: the "
            "message comes back whole");
}

// --- in the envelope -------------------------------------------------------------------------

constexpr std::string_view kPlain =
    R"({"job_class":"StepsJob","job_id":"0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10","queue_name":"default",)"
    R"("arguments":[200,5],"executions":0,"enqueued_at":"2026-11-23T10:31:40.123Z")";

TEST(JobSteps, AnEnvelopeWithoutProgressIsAsBeforeAndWritesNone) {
  auto e = Envelope::parse(std::string(kPlain) + "}");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_TRUE(e->continuation.IsNull());
  EXPECT_EQ(e->resumptions, 0);
  EXPECT_EQ(e->to_json().find("continuation"), std::string::npos);
  EXPECT_EQ(e->to_json().find("resumptions"), std::string::npos);
}

TEST(JobSteps, AnEnvelopeCarriesItsProgressThroughParseAndWrite) {
  const std::string body =
      std::string(kPlain) + R"(,"continuation":{"completed":["a"],"current":["steps",{"id":57}]},"resumptions":3})";
  auto e = Envelope::parse(body);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->resumptions, 3);
  EXPECT_EQ(e->to_json(), body);
  const Continuation c = continuation_of(e->continuation);
  EXPECT_EQ(c.completed, (std::vector<std::string>{"a"}));
  EXPECT_EQ(c.current, "steps");
  EXPECT_EQ(json_of(c.cursor), R"({"id":57})");
}

TEST(JobSteps, AMalformedProgressIsRefusedNamingTheField) {
  const auto refused = [](std::string_view tail) {
    auto e = Envelope::parse(std::string(kPlain) + std::string(tail));
    return e ? std::string("parsed") : e.error().message;
  };
  EXPECT_EQ(refused(R"(,"continuation":[]})"), "field \"continuation\" must be an object");
  EXPECT_EQ(refused(R"(,"continuation":{"completed":["a",""]}})"),
            "field \"continuation\": \"completed\" must be an array of step names");
  EXPECT_EQ(refused(R"(,"continuation":{"current":["a"]}})"),
            "field \"continuation\": \"current\" must be [step name, cursor]");
  EXPECT_EQ(refused(R"(,"continuation":{"current":[1,2]}})"),
            "field \"continuation\": \"current\" must be [step name, cursor]");
  EXPECT_EQ(refused(R"(,"resumptions":-1})"), "field \"resumptions\" must be an integer from 0 to 1000000000");
  EXPECT_EQ(refused(R"(,"continuation":null,"resumptions":null})"), "parsed");
}

TEST(JobSteps, AnActiveJobBodyKeepsItsKeysAndTakesTheNewProgress) {
  const std::string body =
      R"({"job_class":"Admin::ImportJob","job_id":"j-1","arguments":[1],"executions":0,"locale":"en",)"
      R"("continuation":{"completed":[]},"resumptions":0})";
  auto e = parse_active_job(body, MessageFormat::active_elastic_job);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->resumptions, 0);
  Continuation c = continuation_of(e->continuation);
  c.current = "rows";
  c.cursor.SetInt(4);
  e->continuation = continuation_json(c);
  e->resumptions = 1;
  EXPECT_EQ(active_job_json(*e),
            R"({"job_class":"Admin::ImportJob","job_id":"j-1","arguments":[1],"executions":0,"locale":"en",)"
            R"("continuation":{"completed":[],"current":["rows",4]},"resumptions":1})");
}

}  // namespace
}  // namespace ebworker
