#include <ebworker/worker/cli.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/cron_command.h"
#include "cli/dev_command.h"
#include "cli/dlq_command.h"
#include "cli/enqueue_command.h"
#include "cli/post_command.h"
#include "cli/serve_command.h"
#include "cli/sqsd_command.h"

namespace ebworker {

namespace {

constexpr const char* kUsage =
    "usage: ebworker COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  dev                       run the local stack: local SQS, worker, daemon, and a demo job\n"
    "  serve                     run the worker endpoint that aws-sqsd posts jobs to\n"
    "  post JOB [ARGS_JSON]      sign a job and POST it to a worker as aws-sqsd would\n"
    "  enqueue JOB [ARGS_JSON]   sign a job and send it to the SQS queue; prints the MessageId\n"
    "  sqsd                      poll an SQS queue and post its messages to a worker, as aws-sqsd does\n"
    "  dlq ls|show|requeue|purge the dead-letter queue: list, show, send back to the worker queue, delete\n"
    "  cron check [FILE]         validate a cron.yaml and show each task's next run times\n"
    "  help                      this text; `ebworker COMMAND --help` for a command's options\n";

}  // namespace

Response not_found_app(Request& request) {
  return Response::refuse(404, "no route for " + request.method + " " + request.path);
}

namespace {

int run_command(int argc, char** argv, const JobRegistry& registry, AppOptions options) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  // The one read of the process's environment: every command gets it from here.
  const Environment env = process_environment();
  if (command == "dev") return dev_command(args, registry, std::move(options), env);
  if (command == "serve") return serve_command(args, registry, std::move(options), env);
  if (command == "post") return post_command(args, env);
  if (command == "enqueue") return enqueue_command(args, env);
  if (command == "cron") return cron_command(args, registry, env);
  if (command == "sqsd") return sqsd_command(args, registry, env);
  if (command == "dlq") return dlq_command(args, env);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "ebworker: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
  return 2;
}

}  // namespace

int run_cli(int argc, char** argv, const JobRegistry& registry, AppOptions options) {
  // Expected failures are values all the way up; this is the last net for a bug, so that it
  // ends the command with a message and exit status 70 (EX_SOFTWARE), never an abort.
  try {
    return run_command(argc, argv, registry, std::move(options));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ebworker: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "ebworker: internal error (a non-standard exception)\n");
  }
  return 70;
}

}  // namespace ebworker
