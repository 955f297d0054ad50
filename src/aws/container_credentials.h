#pragma once
// Credentials from the container credentials endpoint (ECS task roles, EKS Pod Identity, and
// anything else that imitates them), as the AWS SDKs find it:
//   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: GET http://169.254.170.2<uri> (wins when both are set)
//   AWS_CONTAINER_CREDENTIALS_FULL_URI:     GET <uri>, allowed only over https, or over http to a
//                                           loopback address or the ECS/EKS agent addresses
//   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: its contents, re-read on every fetch, go in the
//                                           Authorization header of a full-URI request;
//   AWS_CONTAINER_AUTHORIZATION_TOKEN:      else this value does.
// The answer is JSON: AccessKeyId, SecretAccessKey, Token, Expiration.

#include <memory>
#include <string>
#include <string_view>

#include "aws/credentials_chain.h"

namespace ebworker {

struct ContainerCredentialsOptions {
  // Where a relative URI points. Only tests change it (to a server on loopback).
  std::string relative_uri_base = "http://169.254.170.2";
};

// Takes its settings from `env` now.
std::unique_ptr<CredentialsSource> container_credentials(const Environment& env,
                                                         std::shared_ptr<HttpClient> http,
                                                         ContainerCredentialsOptions options = {});

// Whether a full URI may be asked for credentials: https to any host; http only to a loopback
// host (127.0.0.0/8, ::1, localhost) or to 169.254.170.2, 169.254.170.23, fd00:ec2::23.
// The URL is read by libcurl's own parser, so the host checked is the host connected to.
bool container_full_uri_allowed(std::string_view url);

}  // namespace ebworker
