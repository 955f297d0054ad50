#include "cli/enqueue_command.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <limits>
#include <memory>
#include <string_view>

#include <ebworker/client.h>

#include "client/client_settings.h"
#include "config/settings.h"

namespace ebworker {

namespace {

constexpr const char* kUsage =
    "usage: ebworker enqueue JOB [ARGS_JSON] [--delay S] [--queue-url URL] [--group-id G] [--dedup-id D]\n"
    "  Signs JOB (arguments: a JSON array, default []) with SECRET_KEY_BASE and sends it to the\n"
    "  queue (EBWORKER_QUEUE_URL unless --queue-url). Prints SQS's MessageId.\n";

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

const std::vector<Setting<EnqueueOptions>>& enqueue_settings() {
  static const std::vector<Setting<EnqueueOptions>> settings = {
      {"", "--delay", "0", "deliver after S seconds, 0-900 (standard queues; use cron.yaml for later)",
       number_setting<EnqueueOptions, int>(std::numeric_limits<int>::min(), std::numeric_limits<int>::max(),
                                           [](EnqueueOptions& o, int n) { o.delay_seconds = n; })},
      {"", "--queue-url", "EBWORKER_QUEUE_URL", "another queue than EBWORKER_QUEUE_URL",
       [](EnqueueOptions& o, std::string_view v) -> Status {
         o.queue_url = std::string(v);
         return {};
       }},
      {"", "--group-id", "the job name", "FIFO message group",
       [](EnqueueOptions& o, std::string_view v) -> Status {
         o.group_id = std::string(v);
         return {};
       }},
      {"", "--dedup-id", "the job id", "FIFO deduplication id",
       [](EnqueueOptions& o, std::string_view v) -> Status {
         o.deduplication_id = std::string(v);
         return {};
       }},
  };
  return settings;
}

int enqueue_command(const std::vector<std::string>& args, const Environment& env) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("%s\n%s\n%s", kUsage, settings_help(enqueue_settings()).c_str(), client_settings_help().c_str());
      return 0;
    }
  const Arguments words = split_arguments(enqueue_settings(), args);
  auto options = load_settings(enqueue_settings(), {}, words.options);
  if (!options) return usage_error(options.error().message);
  if (words.positional.empty()) return usage_error("name a job");
  if (words.positional.size() > 2) return usage_error("unexpected argument \"" + words.positional[2] + "\"");
  const std::string& job = words.positional[0];
  const std::string arguments = words.positional.size() > 1 ? words.positional[1] : "[]";

  log_to_stderr(env);
  auto client = Client::from_environment(env);
  if (!client) {
    std::fprintf(stderr, "ebworker enqueue: %s\n", client.error().message.c_str());
    return 1;
  }
  auto sent = client->enqueue(job, arguments, *options);
  if (!sent) {
    std::fprintf(stderr, "ebworker enqueue: %s\n", sent.error().describe().c_str());
    return 1;
  }
  std::printf("%s\n", sent->message_id.c_str());
  return 0;
}

}  // namespace ebworker
