#pragma once
// AWS credentials and where they come from, with the names the AWS SDKs use:
//   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
//   2. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials;
//      profile AWS_PROFILE, default "default") and config file (AWS_CONFIG_FILE): a profile's
//      keys, else its credential_process
//   3. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, with
//      AWS_CONTAINER_AUTHORIZATION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
//   4. the EC2 instance profile through IMDSv2 (endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT,
//      default http://169.254.169.254)
// Fetched lazily, cached, and refreshed before they expire.
//
// Each place is a CredentialsSource (environment_credentials.h, shared_credentials_file.h,
// container_credentials.h, imds_credentials.h); a chain asks them in order and caches the answer.
// No error message, and no log line, ever holds a secret access key or a token.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/client/credentials.h>
#include <ebworker/environment.h>
#include <ebworker/result.h>

namespace ebworker {

class HttpClient;



// One place credentials may be found. Not required to be thread-safe: the chain serialises calls.
class CredentialsSource {
 public:
  virtual ~CredentialsSource() = default;
  // Short and stable, for error messages and logs: "environment", "container", ...
  virtual std::string_view name() const = 0;
  // Fresh credentials, or why this source has none (never quoting a secret).
  virtual Result<AwsCredentials> fetch() = 0;
};

// Wall-clock time as the chain sees it; tests inject their own.
using Clock = std::function<std::chrono::system_clock::time_point()>;

struct CredentialsChainOptions {
  Clock clock;  // empty: std::chrono::system_clock::now
  // Credentials that expire within this window are fetched again before being handed out.
  std::chrono::seconds refresh_window{std::chrono::minutes(5)};
  // After every source failed, callers get that failure for this long without asking again: a
  // missing role must not cost each SQS call a round of metadata probes.
  std::chrono::seconds failure_ttl{5};
};


// Asks `sources` in order; the first to answer wins and is remembered. Cached credentials that
// expire within the refresh window are fetched again from the source that gave them, then from
// the whole chain; if that fails while the old ones are still valid, the old ones are used.
// One fetch runs at a time, and no lock is held across it that a caller with usable credentials
// would wait on. A failure of every source is remembered for failure_ttl.
std::shared_ptr<CredentialsProvider> credentials_chain(
    std::vector<std::unique_ptr<CredentialsSource>> sources, CredentialsChainOptions options = {});

struct DefaultChainOptions {
  CredentialsChainOptions chain;
  std::shared_ptr<HttpClient> http;  // for the metadata services; empty: one of its own
};

// The SDKs' default chain, as listed above, read from `env`.
std::shared_ptr<CredentialsProvider> default_credentials_chain(const Environment& env);
std::shared_ptr<CredentialsProvider> default_credentials_chain(const Environment& env,
                                                               DefaultChainOptions options);

}  // namespace ebworker
