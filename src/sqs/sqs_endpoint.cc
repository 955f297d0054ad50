#include "sqs/sqs_endpoint.h"

#include <cctype>
#include <vector>

#include "core/environment_lookup.h"
#include "core/text.h"
#include "net/url.h"

namespace ebworker {

namespace {

std::vector<std::string_view> labels_of(std::string_view host) {
  std::vector<std::string_view> labels;
  size_t start = 0;
  while (start <= host.size()) {
    const size_t dot = host.find('.', start);
    labels.push_back(host.substr(start, dot == std::string_view::npos ? host.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels;
}

// "us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1": letters and dashes, then a digit.
bool looks_like_region(std::string_view s) {
  if (s.size() < 4 || s.find('-') == std::string_view::npos) return false;
  if (!std::isdigit(static_cast<unsigned char>(s.back()))) return false;
  for (char c : s)
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) &&
        c != '-')
      return false;
  return true;
}

// The endpoint with path "/" when it has none.
std::string post_url(std::string endpoint) {
  const auto scheme_end = endpoint.find("://");
  const auto path = endpoint.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path == std::string::npos) endpoint += '/';
  return endpoint;
}

}  // namespace

namespace {

// An http(s) URL, read by net/url.h's parser, written "scheme://host…" as SQS's URLs are:
// libcurl would also read "https:/host" and "https:///1/jobs" (host 1: 0.0.0.1).
Result<Url> parse_http_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return fail("has no scheme");
  if (scheme_end + 3 == url.size() || url[scheme_end + 3] == '/') return fail("has no host");
  auto parsed = parse_url(url);
  if (!parsed) return fail("is not a URL (" + parsed.error().message + ")");
  if (parsed->scheme != "http" && parsed->scheme != "https") return fail("is not http or https");
  return parsed;
}

}  // namespace

Result<QueueUrl> QueueUrl::parse(std::string_view url) {
  const auto bad = [&](const std::string& why) {
    return fail("queue URL \"" + redacted_url(url) + "\" " + why +
                " (expected https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)");
  };
  auto parsed = parse_http_url(url);
  if (!parsed) return bad(parsed.error().message);
  // Checked in the text: libcurl reads an empty fragment ("…/jobs#") as none.
  if (url.find_first_of("?#") != std::string_view::npos) return bad("has a query or fragment");
  // SQS authenticates by signature: a user name or password in the URL is never sent, only leaked.
  if (parsed->credentials) return bad("has a user name or password (shown as ***): SQS takes none in the URL");
  QueueUrl q;
  q.scheme = parsed->scheme;
  q.authority = parsed->authority();
  q.host = to_lower(parsed->host);
  std::string_view path = parsed->path;
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  q.name = std::string(path.substr(path.rfind('/') + 1));
  if (q.name.empty()) return bad("names no queue");
  return q;
}

bool QueueUrl::fifo() const {
  return name.size() > 5 && name.compare(name.size() - 5, 5, ".fifo") == 0;
}

std::string region_from_host(std::string_view host_in) {
  const std::string host = to_lower(host_in);
  const auto labels = labels_of(host);
  if (host == "queue.amazonaws.com") return "us-east-1";  // the oldest endpoint
  // REGION.queue.amazonaws.com (legacy)
  if (labels.size() >= 3 && labels[1] == "queue" && looks_like_region(labels[0]))
    return std::string(labels[0]);
  // sqs.REGION.amazonaws.com, sqs-fips.REGION…, sqs.REGION.localhost, vpce-….sqs.REGION.vpce…
  for (size_t i = 0; i + 1 < labels.size(); ++i)
    if ((labels[i] == "sqs" || labels[i] == "sqs-fips") && looks_like_region(labels[i + 1]))
      return std::string(labels[i + 1]);
  return {};
}

SqsEndpointSettings sqs_endpoint_settings(const Environment& env) {
  return {lookup_or(env, "AWS_ENDPOINT_URL_SQS", lookup_or(env, "AWS_ENDPOINT_URL")),
          lookup_or(env, "AWS_REGION", lookup_or(env, "AWS_DEFAULT_REGION"))};
}

Result<AwsEndpoint> resolve_sqs_target(const SqsEndpointSettings& settings, std::string_view queue_url) {
  AwsEndpoint target;
  target.region = settings.region;
  std::string endpoint = settings.endpoint;
  if (!queue_url.empty()) {
    auto q = QueueUrl::parse(queue_url);
    if (!q) return Unexpected{q.error()};
    if (endpoint.empty()) endpoint = q->origin();
    if (target.region.empty()) target.region = region_from_host(q->host);
  }
  if (!endpoint.empty()) {
    const auto origin = parse_http_url(endpoint);
    if (!origin) return fail("SQS endpoint \"" + redacted_url(endpoint) + "\" " + origin.error().message);
    if (target.region.empty()) target.region = region_from_host(origin->host);
  }
  if (endpoint.empty() && !target.region.empty()) endpoint = "https://sqs." + target.region + ".amazonaws.com";
  if (endpoint.empty())
    return fail("no SQS endpoint: set AWS_ENDPOINT_URL_SQS or AWS_REGION, or give a queue URL");
  if (target.region.empty())
    return fail("no AWS region: set AWS_REGION (the endpoint " + redacted_url(endpoint) +
                (queue_url.empty() ? std::string() : " and queue URL " + redacted_url(queue_url)) +
                " name none)");
  target.url = post_url(std::move(endpoint));
  return target;
}

}  // namespace ebworker
