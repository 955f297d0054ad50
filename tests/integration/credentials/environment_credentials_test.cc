#include <gtest/gtest.h>

#include "aws/environment_credentials.h"

namespace ebworker {
namespace {

TEST(EnvironmentCredentials, LongTermKeys) {
  const Environment env{{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret"}};
  auto got = environment_credentials(env)->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "AKIAENV");
  EXPECT_EQ(got->secret_access_key, "env-secret");
  EXPECT_EQ(got->session_token, "");
  EXPECT_FALSE(got->expiration);
}

TEST(EnvironmentCredentials, TemporaryKeysCarryTheSessionToken) {
  const Environment env{{"AWS_ACCESS_KEY_ID", "ASIAENV"},
                        {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                        {"AWS_SESSION_TOKEN", "env-token"}};
  auto got = environment_credentials(env)->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "ASIAENV");
  EXPECT_EQ(got->session_token, "env-token");
}

TEST(EnvironmentCredentials, NothingSetSaysWhichVariables) {
  auto got = environment_credentials(Environment{{"HOME", "/home/x"}})->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(got.error().message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST(EnvironmentCredentials, HalfAPairIsAnErrorNamingTheMissingHalf) {
  auto no_secret = environment_credentials(Environment{{"AWS_ACCESS_KEY_ID", "AKIAENV"}})->fetch();
  ASSERT_FALSE(no_secret);
  EXPECT_NE(no_secret.error().message.find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos);

  auto no_id = environment_credentials(Environment{{"AWS_SECRET_ACCESS_KEY", "s"}})->fetch();
  ASSERT_FALSE(no_id);
  EXPECT_NE(no_id.error().message.find("AWS_ACCESS_KEY_ID is not"), std::string::npos);
}

TEST(EnvironmentCredentials, EmptyValuesCountAsUnset) {
  const Environment env{{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}};
  EXPECT_FALSE(environment_credentials(env)->fetch());
}

TEST(EnvironmentCredentials, ReadsTheEnvironmentItWasGivenOnce) {
  Environment env{{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "env-secret"}};
  auto source = environment_credentials(env);
  env.clear();
  EXPECT_TRUE(source->fetch());
}

}  // namespace
}  // namespace ebworker
