#pragma once
// Credentials from the process environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for
// temporary credentials, AWS_SESSION_TOKEN. Empty values count as unset.

#include <memory>

#include "aws/credentials_chain.h"

namespace ebworker {

// Reads `env` when called; later changes to `env` are not seen.
std::unique_ptr<CredentialsSource> environment_credentials(const Environment& env);

}  // namespace ebworker
