// The tests' app: the example app's jobs (jobs/) plus the test fixtures here, behind the same
// run_cli, so the example app stays what a user copies. The e2e workers run it
// (EBWORKER_FIXTURE_APP), and so does any test that needs a fixture:
//   FailingJob          always fails
//   FlakyJob            fails until an attempt number, under a retry policy
//   GatedJob            fails until a file exists; one attempt, then the dead-letter queue
//   OutcomeJob          ends the way its arguments say
//   RetriedOutcomeJob   OutcomeJob under a retry policy with a retry_if
//   Admin::EchoJob      EchoJob under a Rails class name, as a Rails web tier enqueues it
//   RatedJob            LimitedJob under a rate limit instead: 5 starts per second per arguments[0]

#include <chrono>
#include <memory>

#include <ebworker/worker/cli.h>

#include "echo_job.h"
#include "limited_job.h"
#include "failing_job.h"
#include "flaky_job.h"
#include "gated_job.h"
#include "nightly_cleanup_job.h"
#include "outcome_job.h"
#include "sleep_job.h"
#include "steps_job.h"

int main(int argc, char** argv) {
  ebworker::JobRegistry jobs;
  jobs.add<EchoJob>();
  jobs.add<SleepJob>();
  jobs.add<StepsJob>();
  jobs.add<LimitedJob>();
  jobs.add<NightlyCleanupJob>();
  jobs.add<FailingJob>();
  jobs.add<FlakyJob>();
  jobs.add<GatedJob>();
  jobs.add<OutcomeJob>();
  // OutcomeJob again, under a retry policy of 2 attempts 1 s apart that does not retry a failure
  // whose reason starts with "permanent" (it needs EBWORKER_QUEUE_URL).
  jobs.add("RetriedOutcomeJob", [] { return std::make_unique<OutcomeJob>(); },
           {.retry = {.max_attempts = 2,
                      .base_delay = std::chrono::seconds(1),
                      .max_delay = std::chrono::seconds(1),
                      .retry_if = [](const ebworker::FailedRun& f) { return !f.reason.starts_with("permanent"); }}});
  jobs.add("Admin::EchoJob", [] { return std::make_unique<EchoJob>(); });
  jobs.add("RatedJob", [] { return std::make_unique<LimitedJob>(); },
           {.rate = {.max = 5, .per = std::chrono::seconds(1), .key = ebworker::by_argument<0>}});
  return ebworker::run_cli(argc, argv, jobs);
}
