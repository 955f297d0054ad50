#pragma once
// Where a request about a queue goes, and which region signs it, resolved as the AWS SDKs do:
//   endpoint: AWS_ENDPOINT_URL_SQS, then AWS_ENDPOINT_URL, else the queue URL's scheme and host;
//   region:   AWS_REGION, then AWS_DEFAULT_REGION, else the queue URL's host
//             (sqs.REGION.amazonaws.com, sqs.REGION.localhost, REGION.queue.amazonaws.com).
// The queue URL itself travels in the JSON body; a local SQS's URLs (sqs.us-east-1.localhost)
// name a host no resolver knows, which is why the endpoint can differ from it.

#include <string>
#include <string_view>

#include <ebworker/client/client_config.h>
#include <ebworker/environment.h>
#include <ebworker/result.h>

#include "aws/aws_endpoint.h"

namespace ebworker {

struct QueueUrl {
  std::string scheme;     // "https"
  std::string authority;  // "sqs.us-east-1.amazonaws.com" or "127.0.0.1:4566"
  std::string host;       // authority without the port (and without brackets for IPv6)
  std::string name;       // the last path segment: the queue's name

  static Result<QueueUrl> parse(std::string_view url);
  std::string origin() const { return scheme + "://" + authority; }
  // FIFO queues' names end in ".fifo".
  bool fifo() const;
};

// "us-east-1" from an SQS host name, or "" when the host names no region.
std::string region_from_host(std::string_view host);

SqsEndpointSettings sqs_endpoint_settings(const Environment& env);

// For a request about `queue_url`; an empty queue URL (CreateQueue, GetQueueUrl) needs an
// endpoint or a region from the settings (then https://sqs.REGION.amazonaws.com).
Result<AwsEndpoint> resolve_sqs_target(const SqsEndpointSettings& settings, std::string_view queue_url);

}  // namespace ebworker
