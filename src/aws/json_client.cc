#include "aws/json_client.h"

#include <algorithm>

#include "aws/aws_error.h"

namespace ebworker {

namespace {

AwsError failed(AwsErrorKind kind, std::string message) {
  AwsError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

}  // namespace

AwsJsonClient::AwsJsonClient(AwsJsonService service, AwsJsonClientOptions options)
    : service_(service), options_(std::move(options)), retry_(options_.retry, options_.retry_hooks) {
  if (!options_.http) options_.http = std::make_shared<HttpClient>();
}

AwsError AwsJsonClient::with_context(AwsError error, std::string_view action, std::string_view about) const {
  error.service = std::string(service_.name);
  error.context = std::string(action) + " " + std::string(about);
  return error;
}

AwsError AwsJsonClient::unreadable(std::string_view action, std::string_view about, const std::string& why) const {
  AwsError e = failed(AwsErrorKind::server, "unreadable answer: " + why);
  e.http_status = 200;
  return with_context(std::move(e), action, about);
}

AwsResult<std::string> AwsJsonClient::attempt(const AwsJsonRequest& request, std::chrono::milliseconds timeout) const {
  if (request.endpoint.url.empty() || request.endpoint.region.empty())
    return Unexpected{
        failed(AwsErrorKind::invalid_request, "no " + std::string(service_.name) + " endpoint or region configured")};
  if (!options_.credentials)
    return Unexpected{failed(AwsErrorKind::credentials, "no AWS credentials provider configured")};
  auto credentials = options_.credentials->get();
  if (!credentials) return Unexpected{failed(AwsErrorKind::credentials, credentials.error().message)};

  HttpRequest post;
  post.method = "POST";
  post.url = request.endpoint.url;
  post.headers = {"Content-Type: application/x-amz-json-1.0",
                  "X-Amz-Target: " + std::string(service_.target_prefix) + "." + std::string(request.action)};
  post.body = std::string(request.body);
  post.max_reply_body = service_.max_answer;
  post.cancel = request.cancel;
  post.connect_timeout = std::min(options_.connect_timeout, timeout);
  post.timeout = timeout;
  post.sigv4 = SigV4{request.endpoint.region, std::string(service_.signing_name), credentials->access_key_id,
                     credentials->secret_access_key, credentials->session_token};

  auto reply = options_.http->perform(post);
  if (!reply)
    return Unexpected{
        failed(reply.error().timed_out ? AwsErrorKind::timeout : AwsErrorKind::transport, reply.error().message)};
  if (reply->status != 200) return Unexpected{aws_error_from_reply(reply->status, reply->headers, reply->body)};
  return std::move(reply->body);
}

AwsResult<std::string> AwsJsonClient::call(const AwsJsonRequest& request) const {
  auto attempts = retry_.start();
  return call(request, attempts);
}

AwsResult<std::string> AwsJsonClient::call(const AwsJsonRequest& request, RetryPolicy::Attempts& attempts) const {
  for (;;) {
    attempts.begin_attempt();
    // Never past the budget; never 0 either, which libcurl reads as "no timeout".
    const auto timeout = std::max(std::min(options_.request_timeout, attempts.remaining()),
                                  std::chrono::milliseconds(1)) + request.extra_timeout;
    auto answer = attempt(request, timeout);
    if (answer) return answer;
    const bool cancelled = request.cancel && request.cancel->load();
    if (cancelled || !answer.error().retryable() || !attempts.wait_before_retry()) {
      AwsError e = with_context(answer.error(), request.action, request.about);
      e.attempts = attempts.made();
      return Unexpected{std::move(e)};
    }
  }
}

}  // namespace ebworker
