// The example app: register your jobs, then hand the registry to the ebworker command line.
//   ebworker dev       run the local stack: local SQS, worker, daemon, and a demo job
//   ebworker serve     run the worker endpoint for aws-sqsd
//   ebworker post      sign and post a job to a worker, as aws-sqsd would
//   ebworker enqueue   sign a job and send it to the SQS queue
//   ebworker sqsd      poll an SQS queue and post its messages to a worker, as aws-sqsd does
//   ebworker dlq       list, show, requeue or purge the dead-letter queue
//   ebworker cron      check a cron.yaml and show each task's next run times
// LimitedJob declares a concurrency limit: its runs need EBWORKER_LIMITS_TABLE (docs/guide.md).
// `ebworker help` says the same; `ebworker COMMAND --help` gives a command's options.

#include <ebworker/worker/cli.h>

#include "echo_job.h"
#include "limited_job.h"
#include "nightly_cleanup_job.h"
#include "sleep_job.h"
#include "steps_job.h"

int main(int argc, char** argv) {
  ebworker::JobRegistry jobs;
  jobs.add<EchoJob>();
  jobs.add<SleepJob>();
  jobs.add<StepsJob>();
  jobs.add<LimitedJob>();
  jobs.add<NightlyCleanupJob>();
  return ebworker::run_cli(argc, argv, jobs);
}
