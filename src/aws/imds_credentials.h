#pragma once
// Credentials of the EC2 instance profile, through the instance metadata service (IMDSv2):
//   PUT /latest/api/token                            X-aws-ec2-metadata-token-ttl-seconds: 21600
//   GET /latest/meta-data/iam/security-credentials/  X-aws-ec2-metadata-token: <token> → role name
//   GET /latest/meta-data/iam/security-credentials/<role>                              → JSON
// Endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://[fd00:ec2::254] when
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is IPv6, else http://169.254.169.254.
// AWS_EC2_METADATA_DISABLED=true turns it off. Timeouts are short (1 s to connect, 2 s per
// request) so that where there is no metadata service, asking costs about a second;
// AWS_METADATA_SERVICE_TIMEOUT (whole seconds, as in the SDKs) sets both.
// No fallback to IMDSv1: a token is always required.

#include <memory>

#include "aws/credentials_chain.h"

namespace ebworker {

// Takes its settings from `env` now.
std::unique_ptr<CredentialsSource> imds_credentials(const Environment& env,
                                                    std::shared_ptr<HttpClient> http);

}  // namespace ebworker
