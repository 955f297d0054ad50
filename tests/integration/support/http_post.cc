#include "support/http_post.h"

#include <limits>

namespace ebworker::testing {

std::string HttpResult::describe() const {
  if (!ok()) return "no answer: " + error;
  return "HTTP " + std::to_string(status) + " body=\"" + body + "\"";
}

namespace {

HttpResult perform(HttpClient& client, HttpRequest request, std::chrono::milliseconds timeout) {
  request.connect_timeout = std::chrono::seconds(5);
  request.timeout = timeout;
  request.max_reply_body = std::numeric_limits<std::size_t>::max();  // whatever came, for the assertion
  request.direct = true;
  HttpResult result;
  auto reply = client.perform(request);
  if (!reply) {
    result.error = reply.error().message;
    return result;
  }
  result.answered = true;
  result.status = reply->status;
  result.body = std::move(reply->body);
  result.headers = std::move(reply->headers);
  result.new_connections = reply->new_connections;
  return result;
}

}  // namespace

HttpResult post(HttpClient& client, const std::string& url, const std::string& body,
                const std::vector<std::string>& headers, std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = headers;
  request.body = body;
  return perform(client, std::move(request), timeout);
}

HttpResult get(HttpClient& client, const std::string& url, std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.url = url;
  return perform(client, std::move(request), timeout);
}

}  // namespace ebworker::testing
