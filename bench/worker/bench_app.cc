// `ebworker-bench`: the ebworker command line with one job registered, NoopJob. The worker
// benchmark runs `ebworker-bench serve` (target (a): the full default stack, processing on) and
// the pipeline benchmark runs its `serve` and `sqsd`.
//
// Requests the worker chain does not take go to an app that answers 200, so `serve` with
// EBWORKER_PROCESS_JOBS=false measures ebworker's server and its hand-off to the job pool with
// no middleware but RequestLog (the worker benchmark's diagnostic target (a0)).
#include <ebworker/worker/cli.h>

#include "common/noop_job.h"

int main(int argc, char** argv) {
  ebworker::JobRegistry jobs;
  jobs.add<NoopJob>();
  ebworker::AppOptions options;
  options.app = [](ebworker::Request&) { return ebworker::Response::ok(); };
  return ebworker::run_cli(argc, argv, jobs, std::move(options));
}
