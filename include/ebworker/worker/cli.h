#pragma once
// The `ebworker` command line. A user's own app gets all of it by calling run_cli from main
// with its registry (and, for the web tier, its own app for non-job requests): the commands
// dev, serve, post, enqueue, sqsd, dlq, cron and help (`ebworker help` lists them).

#include <functional>

#include <ebworker/worker/job_registry.h>
#include <ebworker/worker/middleware.h>
#include <ebworker/worker/stack.h>

namespace ebworker {

// The web tier's app when the user gives none: 404 for everything.
Response not_found_app(Request& request);

struct AppOptions {
  // Answers every request that is not the daemon's (all of them with job processing off).
  App app = not_found_app;
  // Edits the default middleware stack (<ebworker/worker/middlewares.h>) before serving, e.g.
  //   [](Stack& s) { s.add<Metrics>(); }  // runs last: around each message's job
  //   [](Stack& s) { s.insert_before<PeriodicTasks>(std::make_unique<Metrics>()); }  // tasks too
  std::function<void(Stack&)> edit_stack;
};

// Runs the command argv[1] names; returns the process's exit status.
int run_cli(int argc, char** argv, const JobRegistry& registry, AppOptions options = {});

}  // namespace ebworker
