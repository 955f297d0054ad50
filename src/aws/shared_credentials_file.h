#pragma once
// Credentials from the shared credentials file, the INI file `aws configure` writes:
//
//   [default]
//   aws_access_key_id = AKIA...
//   aws_secret_access_key = ...
//   aws_session_token = ...        (temporary credentials only)
//
// The file is AWS_SHARED_CREDENTIALS_FILE ("~/" expanded), else $HOME/.aws/credentials; the
// profile (section) is AWS_PROFILE, else "default". Profiles that name a role, SSO or a
// credential process instead of keys are not supported, and say so.

#include <memory>

#include "aws/credentials_chain.h"

namespace ebworker {

// Takes the file name and profile from `env` now; reads the file on every fetch.
std::unique_ptr<CredentialsSource> shared_credentials_file(const Environment& env);

}  // namespace ebworker
