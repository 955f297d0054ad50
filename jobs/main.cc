// The example app: register your jobs, then hand the registry to the ebworker command line.
//   ebworker serve     run the worker endpoint for aws-sqsd
//   ebworker post      sign and post a job to a worker, as aws-sqsd would

#include <chrono>
#include <memory>

#include <ebworker/worker/cli.h>

#include "echo_job.h"
#include "failing_job.h"
#include "flaky_job.h"
#include "gated_job.h"
#include "nightly_cleanup_job.h"
#include "outcome_job.h"
#include "sleep_job.h"

int main(int argc, char** argv) {
  ebworker::JobRegistry jobs;
  jobs.add<EchoJob>();
  jobs.add<FailingJob>();
  jobs.add<FlakyJob>();
  jobs.add<GatedJob>();
  jobs.add<SleepJob>();
  jobs.add<NightlyCleanupJob>();
  jobs.add<OutcomeJob>();
  // OutcomeJob again, under a retry policy of 2 attempts 1 s apart that does not retry a failure
  // whose reason starts with "permanent": for trying retry_if (it needs EBWORKER_QUEUE_URL).
  jobs.add("RetriedOutcomeJob", [] { return std::make_unique<OutcomeJob>(); },
           {.retry = {.max_attempts = 2,
                      .base_delay = std::chrono::seconds(1),
                      .max_delay = std::chrono::seconds(1),
                      .retry_if = [](const ebworker::FailedRun& f) { return !f.reason.starts_with("permanent"); }}});
  return ebworker::run_cli(argc, argv, jobs);
}
