#include "cli/enqueue_command.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>
#include <memory>
#include <string_view>

#include <ebworker/client.h>

#include "client/client_settings.h"

namespace ebworker {

namespace {

constexpr const char* kUsage =
    "usage: ebworker enqueue JOB [ARGS_JSON] [--delay S] [--queue-url URL] [--group-id G] [--dedup-id D]\n"
    "  Signs JOB (arguments: a JSON array, default []) with SECRET_KEY_BASE and sends it to the\n"
    "  queue (EBWORKER_QUEUE_URL unless --queue-url). Prints SQS's MessageId.\n"
    "  --delay S       deliver after S seconds, 0-900 (standard queues; use cron.yaml for later)\n"
    "  --queue-url URL another queue than EBWORKER_QUEUE_URL\n"
    "  --group-id G    FIFO message group (default: the job name)\n"
    "  --dedup-id D    FIFO deduplication id (default: the job id)\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "ebworker enqueue: %s (see ebworker enqueue --help)\n", message.c_str());
  return 2;
}

// stdout carries only the MessageId, so a script can capture it: log lines go to stderr, and
// only warnings and errors unless EBWORKER_LOG_LEVEL says otherwise.
void log_to_stderr(const Environment& env) {
  auto logger = std::make_shared<spdlog::logger>("ebworker", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  const auto level = env.find("EBWORKER_LOG_LEVEL");
  logger->set_level(level == env.end() ? spdlog::level::warn : spdlog::level::from_str(level->second));
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace

int enqueue_command(const std::vector<std::string>& args, const Environment& env) {
  std::string job;
  std::string arguments = "[]";
  EnqueueOptions options;
  std::size_t positional = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s\n%s", kUsage, client_settings_help().c_str());
      return 0;
    }
    if (arg.rfind("--", 0) == 0) {
      const auto eq = arg.find('=');
      const std::string name(arg.substr(0, eq));
      std::string value;
      if (eq != std::string_view::npos) {
        value = std::string(arg.substr(eq + 1));
      } else {
        if (i + 1 >= args.size()) return usage_error(name + " needs a value");
        value = args[++i];
      }
      if (name == "--delay") {
        int delay = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), delay);
        if (ec != std::errc() || end != value.data() + value.size())
          return usage_error("--delay takes whole seconds, got \"" + value + "\"");
        options.delay_seconds = delay;
      } else if (name == "--queue-url") {
        options.queue_url = value;
      } else if (name == "--group-id") {
        options.group_id = value;
      } else if (name == "--dedup-id") {
        options.deduplication_id = value;
      } else {
        return usage_error("unknown option " + name);
      }
    } else if (positional == 0) {
      job = std::string(arg);
      ++positional;
    } else if (positional == 1) {
      arguments = std::string(arg);
      ++positional;
    } else {
      return usage_error("unexpected argument \"" + std::string(arg) + "\"");
    }
  }
  if (job.empty()) return usage_error("name a job");

  log_to_stderr(env);
  auto client = Client::from_environment(env);
  if (!client) {
    std::fprintf(stderr, "ebworker enqueue: %s\n", client.error().message.c_str());
    return 1;
  }
  auto sent = client->enqueue(job, arguments, options);
  if (!sent) {
    std::fprintf(stderr, "ebworker enqueue: %s\n", sent.error().describe().c_str());
    return 1;
  }
  std::printf("%s\n", sent->message_id.c_str());
  return 0;
}

}  // namespace ebworker
