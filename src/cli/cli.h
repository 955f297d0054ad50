#pragma once
// The `ebworker` command line. A user's own app gets all of it by calling run_cli from main
// with its registry (and, for the web tier, its own app for non-job requests).

#include "http/middleware.h"
#include "job/job_registry.h"

namespace ebworker {

// The app at the end of the stack when the user gives none: 404 for everything.
Response not_found_app(Request& request);

int run_cli(int argc, char** argv, const JobRegistry& registry, App app = not_found_app);

}  // namespace ebworker
