#include "dynamodb/dynamodb_endpoint.h"

#include "core/environment_lookup.h"
#include "net/url.h"

namespace ebworker {

Result<AwsEndpoint> dynamodb_endpoint(const Environment& env) {
  AwsEndpoint out;
  out.region = lookup_or(env, "AWS_REGION", lookup_or(env, "AWS_DEFAULT_REGION"));
  if (out.region.empty()) return fail("no AWS region for DynamoDB: set AWS_REGION");
  const auto configured = lookup(env, "AWS_ENDPOINT_URL_DYNAMODB") ? lookup(env, "AWS_ENDPOINT_URL_DYNAMODB")
                                                                  : lookup(env, "AWS_ENDPOINT_URL");
  std::string url = configured ? std::string(*configured) : "https://dynamodb." + out.region + ".amazonaws.com";
  auto parsed = parse_url(url);
  if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https") || parsed->host.empty())
    return fail("DynamoDB endpoint \"" + url + "\" is not an http(s) URL");
  const auto scheme_end = url.find("://");
  if (url.find('/', scheme_end + 3) == std::string::npos) url += '/';
  out.url = std::move(url);
  return out;
}

}  // namespace ebworker
