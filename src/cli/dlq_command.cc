#include "cli/dlq_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/logging.h"
#include "client/client_settings.h"
#include "core/environment_lookup.h"
#include "core/limits.h"
#include "core/text.h"
#include "dlq/dead_letter_summary.h"
#include "dlq/dead_letter_text.h"
#include "dlq/drain.h"
#include "dlq/requeued_message.h"
#include "envelope/signer.h"
#include "net/url.h"
#include "sqs/message_checks.h"
#include "sqs/sqs_client.h"

namespace ebworker {

namespace {

constexpr const char* kDlqUsage =
    "usage: ebworker dlq ls [--max N]\n"
    "       ebworker dlq show ID\n"
    "       ebworker dlq requeue (--job-id ID | --job CLASS | --all) [--to URL]\n"
    "       ebworker dlq purge [--yes]\n"
    "  The dead-letter queue is EBWORKER_DEAD_LETTER_QUEUE_URL unless --queue-url.\n"
    "  ls      one line per message (tab-separated, a header first): job class, job id, attempts,\n"
    "          first and last failure, whether its signature verifies with SECRET_KEY_BASE or\n"
    "          SECRET_KEY_BASE_PREVIOUS, its message id, the reason; nothing is taken\n"
    "  show    the message of that message id or job id: attributes, receive count, body\n"
    "  requeue sends the messages back to the worker queue (EBWORKER_QUEUE_URL unless --to),\n"
    "          body and signature intact, then deletes them here\n"
    "  purge   deletes every message; asks first on a terminal, refuses without one unless --yes\n";

int dlq_usage_error(const std::string& message) {
  std::fprintf(stderr, "ebworker dlq: %s (see ebworker dlq --help)\n", message.c_str());
  return 2;
}

template <typename N, typename Store>
auto number(N min, N max, Store store) {
  return number_setting<DlqOptions, N>(min, max, store);
}

// One line on stderr every `every` messages, or every second, whichever comes first.
class Progress {
 public:
  Progress(std::string verb, std::size_t every) : verb_(std::move(verb)), every_(every) {}
  void operator()(const DrainCounts& c) {
    const auto now = std::chrono::steady_clock::now();
    if (c.examined / every_ == last_mark_ && now - last_line_ < std::chrono::seconds(1)) return;
    last_mark_ = c.examined / every_;
    last_line_ = now;
    std::fprintf(stderr, "ebworker dlq %s: %zu examined, %zu done, %zu failed\n", verb_.c_str(), c.examined,
                 c.done, c.failed);
  }

 private:
  std::string verb_;
  std::size_t every_;
  std::size_t last_mark_ = 0;
  std::chrono::steady_clock::time_point last_line_ = std::chrono::steady_clock::now();
};

struct Context {
  const DlqOptions& options;
  const SqsClient& sqs;
  const Signer* signer;  // null: no SECRET_KEY_BASE
  MessageLimits limits;  // EBWORKER_MAX_MESSAGE_BYTES
};

DrainOptions drain_options(const DlqOptions& o) {
  return {.max_messages = o.max, .visibility_timeout = o.visibility_timeout, .wait_seconds = o.wait_time};
}

void warn_not_released(std::size_t n, int visibility_timeout) {
  if (n > 0)
    std::fprintf(stderr, "ebworker dlq: %zu messages could not be made visible again: they are back within %d s\n", n,
                 visibility_timeout);
}

void warn_reached_max(bool reached, std::size_t max) {
  if (reached) std::fprintf(stderr, "ebworker dlq: stopped at --max %zu: more may be left in the queue\n", max);
}

std::optional<ReadMessages> read_all(const Context& cx) {
  auto read = read_messages(cx.sqs, cx.options.queue_url, drain_options(cx.options));
  if (!read) {
    std::fprintf(stderr, "ebworker dlq: %s\n", escape_control_characters(read.error().describe()).c_str());
    return std::nullopt;
  }
  warn_not_released(read->not_released, cx.options.visibility_timeout);
  warn_reached_max(read->reached_max, cx.options.max);
  return std::move(read).value();
}

int list(const Context& cx) {
  const auto read = read_all(cx);
  if (!read) return 1;
  std::fputs(std::string(dead_letter_header_row()).c_str(), stdout);
  for (const auto& m : read->messages) std::fputs(dead_letter_row(summarize(m, cx.signer)).c_str(), stdout);
  return 0;
}

int show(const Context& cx, const std::string& id) {
  const auto read = read_all(cx);
  if (!read) return 1;
  int shown = 0;
  for (const auto& m : read->messages) {
    const DeadLetterSummary s = summarize(m, cx.signer);
    if (m.message_id != id && s.job_id != id) continue;
    if (shown++ > 0) std::printf("\n");
    std::fputs(dead_letter_details(m, s).c_str(), stdout);
  }
  if (shown == 0) {
    std::fprintf(stderr, "ebworker dlq show: no message with message id or job id \"%s\" in %s\n",
                 escape_control_characters(id).c_str(), redacted_url(cx.options.queue_url).c_str());
    return 1;
  }
  return 0;
}

void print_failure(const char* verb, const ReceivedMessage& m, const std::string& why) {
  std::fprintf(stderr, "ebworker dlq %s: message %s: %s\n", verb, escape_control_characters(m.message_id).c_str(),
               escape_control_characters(why).c_str());
}

int requeue(const Context& cx) {
  const DlqOptions& o = cx.options;
  const int selections = (o.job_id.empty() ? 0 : 1) + (o.job_class.empty() ? 0 : 1) + (o.all ? 1 : 0);
  if (selections != 1) return dlq_usage_error("requeue takes one of --job-id ID, --job CLASS or --all");
  if (o.to.empty()) return dlq_usage_error("no worker queue: set EBWORKER_QUEUE_URL or pass --to");
  auto target = QueueUrl::parse(o.to);
  if (!target) return dlq_usage_error("--to: " + target.error().message);
  if (o.to == o.queue_url) return dlq_usage_error("--to is the dead-letter queue itself");
  const bool fifo = target->fifo();

  Progress progress("requeue", o.progress_every);
  DrainHooks hooks;
  hooks.select = [&](const ReceivedMessage& m) {
    if (o.all) return true;
    const DeadLetterSummary s = summarize(m, nullptr);
    return o.job_id.empty() ? s.job_class == o.job_class : s.job_id == o.job_id;
  };
  // The client's send: checked before, and its MD5s checked after.
  hooks.forward = [&](const ReceivedMessage& m) -> SqsResult<void> {
    const OutgoingMessage out = requeued_message(m, fifo);
    if (auto ok = check_outgoing_message(out, fifo, cx.limits); !ok) return Unexpected{ok.error()};
    auto sent = cx.sqs.send_message(o.to, out);
    if (!sent) return Unexpected{sent.error()};
    return {};
  };
  hooks.on_failure = [](const ReceivedMessage& m, const std::string& why) { print_failure("requeue", m, why); };
  hooks.on_progress = [&](const DrainCounts& c) { progress(c); };
  auto drained = drain(cx.sqs, o.queue_url, drain_options(o), hooks);
  if (!drained) {
    std::fprintf(stderr, "ebworker dlq requeue: %s\n", escape_control_characters(drained.error().describe()).c_str());
    return 1;
  }
  const DrainCounts& c = drained->counts;
  std::printf("requeued %zu to %s, %zu failed, %zu left (not selected) of %zu examined\n", c.done,
              redacted_url(o.to).c_str(),
              c.failed, c.skipped, c.examined);
  warn_not_released(drained->not_released, o.visibility_timeout);
  warn_reached_max(drained->reached_max, o.max);
  return c.failed == 0 ? 0 : 1;
}

// "yes" typed on the terminal, or --yes.
bool purge_confirmed(const Context& cx) {
  if (cx.options.yes) return true;
  std::string count = "?";
  if (auto a = cx.sqs.get_queue_attributes(cx.options.queue_url, {"ApproximateNumberOfMessages"}))
    if (auto it = a->find("ApproximateNumberOfMessages"); it != a->end()) count = it->second;
  std::fprintf(stderr, "Delete every message (about %s) of %s? Type yes to go on: ",
               escape_control_characters(count).c_str(), redacted_url(cx.options.queue_url).c_str());
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

int purge(const Context& cx) {
  const DlqOptions& o = cx.options;
  if (!o.yes && !::isatty(STDIN_FILENO))
    return dlq_usage_error("purge deletes every message: pass --yes when stdin is not a terminal");
  if (!purge_confirmed(cx)) {
    std::fprintf(stderr, "ebworker dlq purge: not confirmed; nothing deleted\n");
    return 1;
  }
  Progress progress("purge", o.progress_every);
  DrainHooks hooks;
  hooks.on_failure = [](const ReceivedMessage& m, const std::string& why) { print_failure("purge", m, why); };
  hooks.on_progress = [&](const DrainCounts& c) { progress(c); };
  auto drained = drain(cx.sqs, o.queue_url, drain_options(o), hooks);
  if (!drained) {
    std::fprintf(stderr, "ebworker dlq purge: %s\n", escape_control_characters(drained.error().describe()).c_str());
    return 1;
  }
  std::printf("deleted %zu, %zu failed\n", drained->counts.done, drained->counts.failed);
  warn_not_released(drained->not_released, o.visibility_timeout);
  warn_reached_max(drained->reached_max, o.max);
  return drained->counts.failed == 0 ? 0 : 1;
}

}  // namespace

const std::vector<Setting<DlqOptions>>& dlq_settings() {
  static const std::vector<Setting<DlqOptions>> settings = {
      {"EBWORKER_DEAD_LETTER_QUEUE_URL", "--queue-url", "(none)", "the dead-letter queue",
       string_setting(&DlqOptions::queue_url)},
      {"EBWORKER_QUEUE_URL", "--to", "(none)", "requeue: the worker queue messages go back to",
       string_setting(&DlqOptions::to)},
      {"", "--max", "10000", "messages examined at most (1-1000000)",
       number<std::size_t>(1, 1000000, [](DlqOptions& o, std::size_t n) { o.max = n; })},
      {"", "--visibility-timeout", "30",
       "seconds (1-43200) a message read stays hidden from other readers at most; each is made "
       "visible again once read, unless taken",
       number<int>(1, kMaxVisibilitySeconds, [](DlqOptions& o, int n) { o.visibility_timeout = n; })},
      {"", "--wait-time", "1",
       "seconds (0-20) of each long poll; the read ends at an empty answer (0: short polls, which on "
       "SQS may answer empty while a few messages are left)",
       number<int>(0, kMaxWaitSeconds, [](DlqOptions& o, int n) { o.wait_time = n; })},
      {"", "--progress-every", "100", "requeue, purge: a progress line on stderr every N messages (and every second)",
       number<std::size_t>(1, 1000000, [](DlqOptions& o, std::size_t n) { o.progress_every = n; })},
      {"", "--job-id", "(none)", "requeue: the message of this job id", string_setting(&DlqOptions::job_id)},
      {"", "--job", "(none)", "requeue: every message of this job class", string_setting(&DlqOptions::job_class)},
      {"", "--all", "false", "requeue: every message", bool_setting(&DlqOptions::all), true},
      {"", "--yes", "false", "purge: no question asked", bool_setting(&DlqOptions::yes), true},
  };
  return settings;
}

int dlq_command(const std::vector<std::string>& args, const Environment& env) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("%s\n%s\n%s", kDlqUsage, settings_help(dlq_settings()).c_str(), client_settings_help().c_str());
      return 0;
    }
  const Arguments words = split_arguments(dlq_settings(), args);
  auto options = load_settings(dlq_settings(), env, words.options);
  if (!options) return dlq_usage_error(options.error().message);
  if (words.positional.empty()) return dlq_usage_error("name a subcommand: ls, show, requeue or purge");
  const std::string& sub = words.positional[0];
  const std::size_t wanted = sub == "show" ? 2 : 1;
  if (sub != "ls" && sub != "show" && sub != "requeue" && sub != "purge")
    return dlq_usage_error("unknown subcommand \"" + sub + "\"");
  if (words.positional.size() < wanted) return dlq_usage_error("show needs a message id or a job id");
  if (words.positional.size() > wanted) return dlq_usage_error("unexpected argument \"" + words.positional[wanted] + "\"");
  if (options->queue_url.empty()) return dlq_usage_error("no dead-letter queue: set EBWORKER_DEAD_LETTER_QUEUE_URL or pass --queue-url");
  if (auto q = QueueUrl::parse(options->queue_url); !q) return dlq_usage_error("--queue-url: " + q.error().message);

  log_to_stderr(env);
  auto config = load_client_config(env);
  if (!config) return dlq_usage_error(config.error().message);
  // The keys are needed only to check signatures; without SECRET_KEY_BASE ls says "no-key".
  std::optional<Signer> signer;
  if (lookup(env, "SECRET_KEY_BASE")) {
    auto made = Signer::from_environment(env);
    if (!made) return dlq_usage_error(made.error().message);
    signer = std::move(made).value();
  }
  const SqsClient sqs(sqs_client_options(*config));
  const Context cx{*options, sqs, signer ? &*signer : nullptr, {config->max_message_bytes}};
  if (sub == "ls") return list(cx);
  if (sub == "show") return show(cx, words.positional[1]);
  if (sub == "requeue") return requeue(cx);
  return purge(cx);
}

}  // namespace ebworker
