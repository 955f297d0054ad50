#include "cli/enqueue_command.h"

#include <cstdio>
#include <limits>
#include <string_view>

#include <ebworker/client/client.h>

#include "cli/logging.h"
#include "client/client_settings.h"
#include "core/settings.h"
#include "core/iso_time.h"

namespace ebworker {

namespace {

constexpr const char* kEnqueueUsage =
    "usage: ebworker enqueue JOB [ARGS_JSON] [--delay D | --at TIME] [--queue-url URL] [--group-id G]\n"
    "                        [--dedup-id D]\n"
    "  Signs JOB (arguments: a JSON array, default []) with SECRET_KEY_BASE and sends it to the\n"
    "  queue (EBWORKER_QUEUE_URL unless --queue-url). Prints SQS's MessageId.\n";

int enqueue_usage_error(const std::string& message) {
  std::fprintf(stderr, "ebworker enqueue: %s (see ebworker enqueue --help)\n", message.c_str());
  return 2;
}

}  // namespace

const std::vector<Setting<EnqueueOptions>>& enqueue_settings() {
  static const std::vector<Setting<EnqueueOptions>> settings = {
      {"", "--delay", "0",
       "run no sooner than this: seconds, or 15m, 2h, 3d (up to a year; standard queues only)",
       [](EnqueueOptions& o, std::string_view v) -> Status {
         auto d = parse_duration(v);
         if (!d) return Unexpected{d.error()};
         o.delay_seconds = static_cast<int>(std::min<long long>(d->count(), std::numeric_limits<int>::max()));
         return {};
       }},
      {"", "--at", "now", "run no sooner than this UTC time, YYYY-MM-DDTHH:MM:SSZ (instead of --delay)",
       [](EnqueueOptions& o, std::string_view v) -> Status {
         auto at = parse_iso8601_utc(v);
         if (!at) return fail("expected a UTC time such as 2026-12-24T18:00:00Z, got \"" + std::string(v) + "\"");
         o.run_at = *at;
         return {};
       }},
      {"", "--queue-url", "EBWORKER_QUEUE_URL", "another queue than EBWORKER_QUEUE_URL",
       string_setting(&EnqueueOptions::queue_url)},
      {"", "--group-id", "the job name", "FIFO message group",
       string_setting(&EnqueueOptions::group_id)},
      {"", "--dedup-id", "the job id", "FIFO deduplication id",
       string_setting(&EnqueueOptions::deduplication_id)},
  };
  return settings;
}

int enqueue_command(const std::vector<std::string>& args, const Environment& env) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("%s\n%s\n%s", kEnqueueUsage, settings_help(enqueue_settings()).c_str(), client_settings_help().c_str());
      return 0;
    }
  const Arguments words = split_arguments(enqueue_settings(), args);
  auto options = load_settings(enqueue_settings(), {}, words.options);
  if (!options) return enqueue_usage_error(options.error().message);
  if (words.positional.empty()) return enqueue_usage_error("name a job");
  if (words.positional.size() > 2) return enqueue_usage_error("unexpected argument \"" + words.positional[2] + "\"");
  const std::string& job = words.positional[0];
  const std::string arguments = words.positional.size() > 1 ? words.positional[1] : "[]";

  log_to_stderr(env);  // stdout carries only the MessageId
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
