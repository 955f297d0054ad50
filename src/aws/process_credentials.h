#pragma once
// Credentials printed by a command of the user's, the SDKs' `credential_process` profile setting:
//
//   [profile sso]
//   credential_process = aws configure export-credentials --profile my-sso --format process
//
// The command runs through /bin/sh with this process's environment, standard input from
// /dev/null and standard error passed through (so its prompts and errors reach the user); it
// must print one JSON object and exit 0:
//
//   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
//    "SessionToken": "...", "Expiration": "2026-11-23T12:00:00Z"}
//
// SessionToken and Expiration are optional (long-term keys). Errors never quote the output.

#include <chrono>
#include <string>
#include <string_view>

#include "aws/credentials_chain.h"

namespace ebworker {

// What the SDKs wait for a credential process before giving up (it may be an SSO login).
inline constexpr std::chrono::seconds kCredentialProcessTimeout{60};

// Runs `command` and reads the credentials it prints; past `timeout` it is killed.
Result<AwsCredentials> credentials_from_process(const std::string& command,
                                                std::chrono::milliseconds timeout = kCredentialProcessTimeout);

// The credentials in a credential process's output.
Result<AwsCredentials> parse_process_credentials(std::string_view output);

}  // namespace ebworker
