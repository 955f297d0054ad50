#pragma once
// AWS credentials as the enqueue client signs with them. By default the client finds its own
// with the AWS SDKs' chain (environment, shared file, container, EC2 instance profile); an
// application that holds keys itself hands them over with static_credentials().

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <ebworker/result.h>

namespace ebworker {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Thread-safe. The error says which sources were tried and why each gave nothing.
  virtual Result<AwsCredentials> get() = 0;
};

// Always the same credentials (tests, or keys handed over by the application).
std::shared_ptr<CredentialsProvider> static_credentials(AwsCredentials credentials);

}  // namespace ebworker
