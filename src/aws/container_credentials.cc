#include "aws/container_credentials.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include <ebworker/worker/headers.h>

#include "aws/credentials_json.h"
#include "core/environment_lookup.h"
#include "core/text.h"
#include "net/http_client.h"
#include "net/url.h"

namespace ebworker {

namespace {

constexpr std::chrono::milliseconds kContainerConnectTimeout{1000};
constexpr std::chrono::milliseconds kContainerTimeout{5000};
constexpr size_t kContainerMaxAnswer = 64 * 1024;

bool allowed_http_host(const std::string& host) {
  if (iequals(host, "localhost")) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    const uint32_t address = ntohl(v4.s_addr);
    return (address >> 24) == 127 ||             // 127.0.0.0/8
           address == 0xA9FEAA02u ||             // 169.254.170.2: the ECS agent
           address == 0xA9FEAA17u;               // 169.254.170.23: the EKS Pod Identity agent
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    in6_addr eks{};
    inet_pton(AF_INET6, "fd00:ec2::23", &eks);
    return std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0 || std::memcmp(&v6, &eks, sizeof v6) == 0;
  }
  return false;
}

// A header value must be one line: a token holding CR or LF would smuggle in more headers.
bool one_line(std::string_view value) { return value.find_first_of("\r\n") == std::string_view::npos; }

class ContainerCredentials final : public CredentialsSource {
 public:
  ContainerCredentials(const Environment& env, std::shared_ptr<HttpClient> http,
                       ContainerCredentialsOptions options)
      : http_(std::move(http)),
        options_(std::move(options)),
        relative_uri_(lookup_or(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")),
        full_uri_(lookup_or(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")),
        token_(lookup_or(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")),
        token_file_(lookup_or(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {}

  std::string_view name() const override { return "container"; }

  Result<AwsCredentials> fetch() override {
    HttpRequest request;
    request.connect_timeout = kContainerConnectTimeout;
    request.timeout = kContainerTimeout;
    // One byte past the limit is enough to know the answer is too large (checked below).
    request.max_reply_body = kContainerMaxAnswer + 1;
    request.oversize = HttpRequest::Oversize::truncate;
    request.headers.push_back("Accept: application/json");
    if (!relative_uri_.empty()) {
      request.url = options_.relative_uri_base + (relative_uri_.front() == '/' ? "" : "/") + relative_uri_;
    } else if (!full_uri_.empty()) {
      if (!container_full_uri_allowed(full_uri_)) {
        const auto parsed = parse_url(full_uri_);
        return fail("AWS_CONTAINER_CREDENTIALS_FULL_URI " +
                    (parsed ? "has host " + parsed->host + " over " + parsed->scheme
                            : std::string("is not a valid URL")) +
                    ": only https, or http to a loopback address or the ECS/EKS agent, is allowed");
      }
      request.url = full_uri_;
      auto authorization = authorization_token();
      if (!authorization) return Unexpected{authorization.error()};
      if (!authorization->empty()) request.headers.push_back("Authorization: " + *authorization);
    } else {
      return fail("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
    }

    auto reply = http_->perform(request);
    if (!reply) return fail(reply.error().message);
    if (reply->status != 200) {
      const std::string code = error_code_of(reply->body);
      return fail(request.url + " answered HTTP " + std::to_string(reply->status) +
                  (code.empty() ? "" : " (" + code + ")"));
    }
    if (reply->body.size() > kContainerMaxAnswer) return fail(request.url + " answered more than 64 KiB");
    auto credentials = parse_credentials_json(reply->body);
    if (!credentials) return fail(request.url + ": " + credentials.error().message);
    return credentials;
  }

 private:
  // The file wins over the variable, and is read each time: the token in it may be rotated.
  Result<std::string> authorization_token() const {
    std::string token = token_;
    if (!token_file_.empty()) {
      std::ifstream in(token_file_, std::ios::binary);
      if (!in) return fail("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + token_file_);
      token.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (in.bad()) return fail("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + token_file_);
      while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
      if (!one_line(token))
        return fail("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + token_file_ + " holds more than one line");
    } else if (!one_line(token)) {
      return fail("AWS_CONTAINER_AUTHORIZATION_TOKEN holds a line break");
    }
    return token;
  }

  std::shared_ptr<HttpClient> http_;
  ContainerCredentialsOptions options_;
  std::string relative_uri_;
  std::string full_uri_;
  std::string token_;
  std::string token_file_;
};

}  // namespace

bool container_full_uri_allowed(std::string_view url) {
  const auto parsed = parse_url(url);
  if (!parsed) return false;
  if (parsed->scheme == "https") return true;
  return parsed->scheme == "http" && allowed_http_host(parsed->host);
}

std::unique_ptr<CredentialsSource> container_credentials(const Environment& env,
                                                         std::shared_ptr<HttpClient> http,
                                                         ContainerCredentialsOptions options) {
  return std::make_unique<ContainerCredentials>(env, std::move(http), std::move(options));
}

}  // namespace ebworker
