#pragma once
// The `ebworker` command line. A user's own app gets all of it by calling run_cli from main
// with its registry (and, for the web tier, its own app for non-job requests).

#include <functional>

#include "http/middleware.h"
#include "http/stack.h"
#include "job/job_registry.h"

namespace ebworker {

// The app at the end of the stack when the user gives none: 404 for everything.
Response not_found_app(Request& request);

struct AppOptions {
  // Answers every request the worker chain does not take (all of them with processing off).
  App app = not_found_app;
  // Edits the default middleware stack before serving, e.g.
  //   [](Stack& s) { s.insert_before<Dispatch>(std::make_unique<Metrics>()); }
  std::function<void(Stack&)> edit_stack;
};

int run_cli(int argc, char** argv, const JobRegistry& registry, AppOptions options = {});

}  // namespace ebworker
