#include "aws/imds_credentials.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include <ebworker/worker/headers.h>

#include "aws/credentials_json.h"
#include "core/environment_lookup.h"
#include "core/text.h"
#include "net/http_client.h"

namespace ebworker {

namespace {

constexpr std::chrono::milliseconds kImdsConnectTimeout{1000};
constexpr std::chrono::milliseconds kImdsTimeout{2000};
constexpr long kImdsMaxTimeoutSeconds = 3600;
constexpr size_t kImdsMaxAnswer = 64 * 1024;
constexpr std::string_view kCredentialsPath = "/latest/meta-data/iam/security-credentials/";

std::string endpoint_of(const Environment& env) {
  std::string endpoint = lookup_or(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty())
    endpoint = iequals(lookup_or(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"), "IPv6")
                   ? "http://[fd00:ec2::254]"
                   : "http://169.254.169.254";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

// AWS_METADATA_SERVICE_TIMEOUT, the SDKs' setting: whole seconds for the connection and for each
// request. Empty when unset; an error value when it is not 1 to 3600.
std::optional<Result<std::chrono::milliseconds>> timeout_of(const Environment& env) {
  const std::string value = lookup_or(env, "AWS_METADATA_SERVICE_TIMEOUT");
  if (value.empty()) return std::nullopt;
  const bool digits = value.size() <= 4 && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  const long seconds = digits ? std::stol(value) : 0;
  if (seconds < 1 || seconds > kImdsMaxTimeoutSeconds)
    return Result<std::chrono::milliseconds>(
        fail("AWS_METADATA_SERVICE_TIMEOUT must be a whole number of seconds from 1 to 3600"));
  return Result<std::chrono::milliseconds>(std::chrono::seconds(seconds));
}

// IAM role names are 1 to 64 of [A-Za-z0-9+=,.@_-]; anything else is not put in a URL.
bool valid_role_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("+=,.@_-").find(c) == std::string_view::npos)
      return false;
  return true;
}

class ImdsCredentials final : public CredentialsSource {
 public:
  ImdsCredentials(const Environment& env, std::shared_ptr<HttpClient> http)
      : http_(std::move(http)),
        endpoint_(endpoint_of(env)),
        disabled_(iequals(lookup_or(env, "AWS_EC2_METADATA_DISABLED"), "true")),
        timeout_(timeout_of(env)) {}

  std::string_view name() const override { return "instance metadata (IMDSv2)"; }

  Result<AwsCredentials> fetch() override {
    if (disabled_) return fail("disabled by AWS_EC2_METADATA_DISABLED");
    if (timeout_ && !*timeout_) return Unexpected{timeout_->error()};

    auto token = ask("PUT", "/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds: 21600", "token");
    if (!token) return Unexpected{token.error()};
    if (token->empty() || token->find_first_of("\r\n") != std::string::npos)
      return fail("the token answer from " + endpoint_ + " is not a token");
    const std::string token_header = "X-aws-ec2-metadata-token: " + *token;

    auto roles = ask("GET", std::string(kCredentialsPath), token_header, "role name");
    if (!roles) return Unexpected{roles.error()};
    // One role per line; an instance profile holds exactly one.
    std::string_view role(*roles);
    role = role.substr(0, role.find_first_of("\r\n"));
    while (!role.empty() && std::isspace(static_cast<unsigned char>(role.back()))) role.remove_suffix(1);
    if (role.empty()) return fail("no IAM role is attached to this instance (" + endpoint_ + ")");
    if (!valid_role_name(role)) return fail("the role name from " + endpoint_ + " is not a valid IAM role name");

    auto document = ask("GET", std::string(kCredentialsPath) + std::string(role), token_header,
                        "credentials of role " + std::string(role));
    if (!document) return Unexpected{document.error()};
    auto credentials = parse_credentials_json(*document);
    if (!credentials)
      return fail("credentials of role " + std::string(role) + " from " + endpoint_ + ": " +
                  credentials.error().message);
    return credentials;
  }

 private:
  // The body of a 200 answer, or why there was none. `what` names the step for the message.
  Result<std::string> ask(std::string method, const std::string& path, std::string header,
                          const std::string& what) {
    HttpRequest request;
    request.method = std::move(method);
    request.url = endpoint_ + path;
    request.headers.push_back(std::move(header));
    request.connect_timeout = timeout_ ? **timeout_ : kImdsConnectTimeout;
    request.timeout = timeout_ ? **timeout_ : kImdsTimeout;
    // One byte past the limit is enough to know the answer is too large (checked below).
    request.max_reply_body = kImdsMaxAnswer + 1;
    request.oversize = HttpRequest::Oversize::truncate;
    auto reply = http_->perform(request);
    if (!reply) return fail(what + " request failed: " + reply.error().message);
    if (reply->status == 404 && path == kCredentialsPath)
      return fail("no IAM role is attached to this instance (" + request.url + " answered HTTP 404)");
    if (reply->status != 200)
      return fail(what + " request: " + request.url + " answered HTTP " + std::to_string(reply->status));
    if (reply->body.size() > kImdsMaxAnswer) return fail(what + " request: " + request.url + " answered more than 64 KiB");
    return std::move(reply->body);
  }

  std::shared_ptr<HttpClient> http_;
  std::string endpoint_;
  bool disabled_;
  std::optional<Result<std::chrono::milliseconds>> timeout_;
};

}  // namespace

std::unique_ptr<CredentialsSource> imds_credentials(const Environment& env, std::shared_ptr<HttpClient> http) {
  return std::make_unique<ImdsCredentials>(env, std::move(http));
}

}  // namespace ebworker
