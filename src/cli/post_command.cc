#include "cli/post_command.h"

#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "core/environment_lookup.h"
#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "net/http_client.h"
#include "sqsd/worker_post.h"

namespace ebworker {

namespace {

constexpr const char* kPostUsage =
    "usage: ebworker post JOB [ARGS_JSON] [--url URL] [--queue NAME]\n"
    "  Signs JOB (arguments: a JSON array, default []) with SECRET_KEY_BASE and POSTs it to the\n"
    "  worker with aws-sqsd's headers. Prints the status and the worker's answer; exits 0 only\n"
    "  on 200.\n";

// What the worker's log shows as the sender; SqsdOnly takes it for the daemon.
constexpr std::string_view kUserAgent = "sqsd (ebworker post)";

int post_usage_error(const std::string& message) {
  std::fprintf(stderr, "ebworker post: %s\n%s", message.c_str(), kPostUsage);
  return 2;
}

}  // namespace

const std::vector<Setting<PostConfig>>& post_settings() {
  static const std::vector<Setting<PostConfig>> settings = {
      {"EBWORKER_POST_URL", "--url", "http://127.0.0.1:$PORT/",
       "the worker to post to ($PORT: the variable PORT, 5000 when unset)",
       string_setting(&PostConfig::url)},
      {"EBWORKER_POST_QUEUE", "--queue", "local",
       "the queue name it claims (X-Aws-Sqsd-Queue, the envelope's queue_name)",
       string_setting(&PostConfig::queue)},
  };
  return settings;
}

int post_command(const std::vector<std::string>& args, const Environment& env) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("%s\n%s", kPostUsage, settings_help(post_settings()).c_str());
      return 0;
    }
  const Arguments words = split_arguments(post_settings(), args);
  PostConfig defaults{"http://127.0.0.1:" + lookup_or(env, "PORT", "5000") + "/", "local"};
  auto config = load_settings(post_settings(), env, words.options, std::move(defaults));
  if (!config) return post_usage_error(config.error().message);
  if (words.positional.empty()) return post_usage_error("name a job");
  if (words.positional.size() > 2) return post_usage_error("unexpected argument \"" + words.positional[2] + "\"");
  const std::string& job = words.positional[0];
  const std::string arguments = words.positional.size() > 1 ? words.positional[1] : "[]";
  if (job.empty()) return post_usage_error("name a job");

  auto signer = Signer::from_environment(env);
  if (!signer) return post_usage_error(signer.error().message);
  auto envelope = Envelope::make(job, arguments, config->queue);
  if (!envelope) return post_usage_error("ARGS_JSON: " + envelope.error().message);
  std::string body = envelope->to_json();
  std::vector<MessageAttribute> attributes = {
      {std::string(kDigestAttribute), "String", signer->sign(body)},
      {std::string(kOriginAttribute), "String", std::string(kOriginValue)}};

  auto built = build_direct_post(std::move(body), std::move(attributes), config->queue, config->url, kUserAgent);
  if (!built) return post_usage_error(built.error().message);
  WorkerPost post = std::move(built).value();
  // As long as the job takes, and the whole answer: it is printed.
  post.request.timeout = std::chrono::milliseconds(0);  // libcurl: no limit
  post.request.max_reply_body = std::numeric_limits<std::size_t>::max();
  HttpClient http;
  const auto reply = http.perform(post.request);
  if (!reply) {
    std::fprintf(stderr, "ebworker post: %s\n", reply.error().message.c_str());
    return 1;
  }
  const std::string& answer = reply->body;
  std::printf("%s job_id=%s status=%ld %s", job.c_str(), envelope->job_id.c_str(), reply->status, answer.c_str());
  if (!answer.empty() && answer.back() != '\n') std::printf("\n");
  return reply->status == 200 ? 0 : 1;
}

}  // namespace ebworker
