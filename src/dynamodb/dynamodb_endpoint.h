#pragma once
// Where DynamoDB requests go and which region signs them, as the AWS SDKs resolve it:
//   endpoint: AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL, else https://dynamodb.REGION.amazonaws.com
//   region:   AWS_REGION, then AWS_DEFAULT_REGION (required: a DynamoDB endpoint names no region
//             we could read reliably, and SigV4 needs one).

#include <string>

#include <ebworker/environment.h>
#include <ebworker/result.h>

#include "aws/aws_endpoint.h"

namespace ebworker {

Result<AwsEndpoint> dynamodb_endpoint(const Environment& env);

}  // namespace ebworker
