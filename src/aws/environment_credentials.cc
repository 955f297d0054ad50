#include "aws/environment_credentials.h"

#include <string>
#include <utility>

#include "core/environment_lookup.h"

namespace ebworker {

namespace {

class EnvironmentCredentials final : public CredentialsSource {
 public:
  explicit EnvironmentCredentials(const Environment& env)
      : key_id_(lookup_or(env, "AWS_ACCESS_KEY_ID")),
        secret_(lookup_or(env, "AWS_SECRET_ACCESS_KEY")),
        token_(lookup_or(env, "AWS_SESSION_TOKEN")) {}

  std::string_view name() const override { return "environment"; }

  Result<AwsCredentials> fetch() override {
    if (key_id_.empty() && secret_.empty())
      return fail("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
    if (key_id_.empty()) return fail("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    if (secret_.empty()) return fail("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    return AwsCredentials{key_id_, secret_, token_, std::nullopt};
  }

 private:
  std::string key_id_;
  std::string secret_;
  std::string token_;
};

}  // namespace

std::unique_ptr<CredentialsSource> environment_credentials(const Environment& env) {
  return std::make_unique<EnvironmentCredentials>(env);
}

}  // namespace ebworker
