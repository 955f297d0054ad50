#include "cli/enqueue_command.h"

#include <chrono>
#include <cstdio>
#include <limits>
#include <optional>
#include <string_view>

#include <ebworker/client/client.h>

#include "cli/logging.h"
#include "client/client_settings.h"
#include "core/settings.h"
#include "core/iso_time.h"
#include "envelope/message_format.h"

namespace ebworker {

namespace {

constexpr std::chrono::seconds kDefaultUniqueFor{3600};

constexpr const char* kEnqueueUsage =
    "usage: ebworker enqueue JOB [ARGS_JSON] [--delay D | --at TIME] [--queue-url URL] [--group-id G]\n"
    "                        [--dedup-id D] [--format ebworker|active_elastic_job|active_job]\n"
    "                        [--unique KEY --unique-for D] [--debounce KEY --debounce-for D]\n"
    "  Signs JOB (arguments: a JSON array, default []) with SECRET_KEY_BASE and sends it to the\n"
    "  queue (EBWORKER_QUEUE_URL unless --queue-url). Prints SQS's MessageId, or \"already enqueued\"\n"
    "  when --unique's key was claimed within its window (in EBWORKER_LIMITS_TABLE). With --debounce,\n"
    "  it is sent delayed by the window, and runs only if no enqueue of the key follows it within it.\n";

int enqueue_usage_error(const std::string& message) {
  std::fprintf(stderr, "ebworker enqueue: %s (see ebworker enqueue --help)\n", message.c_str());
  return 2;
}

}  // namespace

const std::vector<Setting<EnqueueCall>>& enqueue_settings() {
  // One of the call's EnqueueOptions strings.
  const auto option = [](std::string EnqueueOptions::*field) {
    return [field](EnqueueCall& c, std::string_view v) -> Status {
      c.options.*field = std::string(v);
      return {};
    };
  };
  static const std::vector<Setting<EnqueueCall>> settings = {
      {"", "--delay", "0",
       "run no sooner than this: seconds, or 15m, 2h, 3d (up to a year; standard queues only)",
       [](EnqueueCall& c, std::string_view v) -> Status {
         auto d = parse_duration(v);
         if (!d) return Unexpected{d.error()};
         c.options.delay_seconds = static_cast<int>(std::min<long long>(d->count(), std::numeric_limits<int>::max()));
         return {};
       }},
      {"", "--at", "now", "run no sooner than this UTC time, YYYY-MM-DDTHH:MM:SSZ (instead of --delay)",
       [](EnqueueCall& c, std::string_view v) -> Status {
         auto at = parse_iso8601_utc(v);
         if (!at) return fail("expected a UTC time such as 2026-12-24T18:00:00Z, got \"" + std::string(v) + "\"");
         c.options.run_at = *at;
         return {};
       }},
      {"", "--queue-url", "EBWORKER_QUEUE_URL", "another queue than EBWORKER_QUEUE_URL",
       option(&EnqueueOptions::queue_url)},
      {"", "--group-id", "the job name", "FIFO message group",
       option(&EnqueueOptions::group_id)},
      {"", "--dedup-id", "the job id", "FIFO deduplication id",
       option(&EnqueueOptions::deduplication_id)},
      {"", "--format", "EBWORKER_MESSAGE_FORMAT",
       "what this job is sent as: ebworker, active_elastic_job or active_job (docs/rails.md)",
       [](EnqueueCall& c, std::string_view v) -> Status {
         if (auto format = parse_message_format(v); !format) return Unexpected{format.error()};
         c.format = std::string(v);
         return {};
       }},
      {"", "--unique", "(none)",
       "a unique key: not sent while an enqueue of it is within its window (EBWORKER_LIMITS_TABLE), and a "
       "duplicate is skipped by the worker within the window after its run",
       option(&EnqueueOptions::unique_key)},
      {"", "--unique-for", "3600", "the unique key's window: seconds, or 15m, 2h, 3d (up to a year)",
       [](EnqueueCall& c, std::string_view v) -> Status {
         auto d = parse_duration(v);
         if (!d) return Unexpected{d.error()};
         c.options.unique_for = *d;
         return {};
       }},
      {"", "--debounce", "(none)",
       "a debounce key: sent delayed by --debounce-for, and run only if it is still the key's last "
       "enqueue then (recorded in EBWORKER_LIMITS_TABLE); an earlier one is skipped",
       option(&EnqueueOptions::debounce_key)},
      {"", "--debounce-for", "(none)", "the debounce key's window: seconds, or 15m, 2h, 3d (up to a year)",
       [](EnqueueCall& c, std::string_view v) -> Status {
         auto d = parse_duration(v);
         if (!d) return Unexpected{d.error()};
         c.options.debounce_for = *d;
         return {};
       }},
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
  auto call = load_settings(enqueue_settings(), {}, words.options);
  if (!call) return enqueue_usage_error(call.error().message);
  if (words.positional.empty()) return enqueue_usage_error("name a job");
  if (words.positional.size() > 2) return enqueue_usage_error("unexpected argument \"" + words.positional[2] + "\"");
  const std::string& job = words.positional[0];
  const std::string arguments = words.positional.size() > 1 ? words.positional[1] : "[]";
  if (!call->options.debounce_key.empty() && call->options.debounce_for.count() == 0)
    return enqueue_usage_error("--debounce needs its window, --debounce-for");

  log_to_stderr(env);  // stdout carries only the MessageId
  Environment client_env = env;
  if (!call->format.empty()) client_env["EBWORKER_MESSAGE_FORMAT"] = call->format;
  auto client = Client::from_environment(client_env);
  if (!client) {
    std::fprintf(stderr, "ebworker enqueue: %s\n", client.error().message.c_str());
    return 1;
  }
  if (!call->options.unique_key.empty()) {
    if (client->config().limits_table.empty()) {
      std::fprintf(stderr, "ebworker enqueue: --unique needs EBWORKER_LIMITS_TABLE, the DynamoDB table its claim is kept in\n");
      return 1;
    }
    if (call->options.unique_for.count() == 0) call->options.unique_for = kDefaultUniqueFor;
  }
  auto sent = client->enqueue(job, arguments, call->options);
  if (!sent) {
    std::fprintf(stderr, "ebworker enqueue: %s\n", sent.error().describe().c_str());
    return 1;
  }
  if (sent->already_enqueued) {
    std::printf("already enqueued\n");
    return 0;
  }
  std::printf("%s\n", sent->message_id.c_str());
  return 0;
}

}  // namespace ebworker
