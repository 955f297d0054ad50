#pragma once
// Credentials from the shared credentials file, the INI file `aws configure` writes:
//
//   [default]
//   aws_access_key_id = AKIA...
//   aws_secret_access_key = ...
//   aws_session_token = ...        (temporary credentials only)
//
// The file is AWS_SHARED_CREDENTIALS_FILE ("~/" expanded), else $HOME/.aws/credentials; the
// profile (section) is AWS_PROFILE, else "default". The config file (AWS_CONFIG_FILE, else
// $HOME/.aws/config; section "[profile NAME]", or "[default]") is read too: keys from the
// credentials file, else from the config file, else the `credential_process` of either
// (process_credentials.h), which is how SSO reaches this chain. Profiles that name a role or SSO
// settings instead are not supported, and say so.

#include <memory>

#include "aws/credentials_chain.h"

namespace ebworker {

// Takes the file name and profile from `env` now; reads the file on every fetch.
std::unique_ptr<CredentialsSource> shared_credentials_file(const Environment& env);

}  // namespace ebworker
