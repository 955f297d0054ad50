#pragma once
// AWS credentials and where they come from, with the names the AWS SDKs use:
//   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
//   2. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials;
//      profile AWS_PROFILE, default "default")
//   3. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, with
//      AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
//   4. the EC2 instance profile through IMDSv2 (endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT,
//      default http://169.254.169.254)
// Fetched lazily, cached, and refreshed before they expire.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "config/worker_config.h"
#include "core/result.h"

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

// The SDKs' default chain, as listed above, read from `env`.
std::shared_ptr<CredentialsProvider> default_credentials_chain(const Environment& env);

}  // namespace ebworker
