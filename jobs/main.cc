// The example app: register your jobs, then hand the registry to the ebworker command line.
//   ebworker serve     run the worker endpoint for aws-sqsd
//   ebworker post      sign and post a job to a worker, as aws-sqsd would

#include <ebworker/cli.h>

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
  return ebworker::run_cli(argc, argv, jobs);
}
