#pragma once
// Where a service's requests go and which region signs them (sqs/sqs_endpoint.h and
// dynamodb/dynamodb_endpoint.h resolve one from the environment, as the AWS SDKs do).

#include <string>

namespace ebworker {

struct AwsEndpoint {
  std::string url{};     // where to POST, path "/"
  std::string region{};
};

}  // namespace ebworker
