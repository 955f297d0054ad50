// credential_process: a real /bin/sh runs a real command (scripts written to a temporary
// directory), on its own and through the shared credentials and config files.
#include <gtest/gtest.h>

#include <chrono>

#include "aws/process_credentials.h"
#include "aws/shared_credentials_file.h"
#include "credentials_test_support.h"

namespace ebworker {
namespace {

using testing::TempDir;

constexpr const char* kOutput =
    R"({"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "process-secret",)"
    R"( "SessionToken": "process-token", "Expiration": "2030-01-02T03:04:05Z"})";

// A command that prints `output` and exits with `status`.
std::string printing(const TempDir& dir, std::string_view output, int status = 0) {
  const std::string file = dir.write("output.json", output);
  return "cat '" + file + "'; exit " + std::to_string(status);
}

TEST(ProcessCredentials, ReadsWhatTheCommandPrints) {
  TempDir dir;
  auto got = credentials_from_process(printing(dir, kOutput));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "ASIAPROCESS");
  EXPECT_EQ(got->secret_access_key, "process-secret");
  EXPECT_EQ(got->session_token, "process-token");
  ASSERT_TRUE(got->expiration);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*got->expiration), 1893553445);
}

TEST(ProcessCredentials, LongTermKeysHaveNoTokenAndNoExpiration) {
  auto got = credentials_from_process(
      R"(echo '{"Version": 1, "AccessKeyId": "AKIALONG", "SecretAccessKey": "long-secret"}')");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "AKIALONG");
  EXPECT_EQ(got->session_token, "");
  EXPECT_FALSE(got->expiration);
}

TEST(ProcessCredentials, AFailedCommandIsAnErrorWithItsStatus) {
  TempDir dir;
  auto got = credentials_from_process(printing(dir, kOutput, 3));
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("exited with status 3"), std::string::npos) << got.error().message;
  EXPECT_EQ(got.error().message.find("process-secret"), std::string::npos) << got.error().message;
}

TEST(ProcessCredentials, OutputThatIsNotCredentialsIsNeverQuoted) {
  TempDir dir;
  for (const std::string& output :
       {std::string(R"({"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "process-secret"})"),
        std::string(R"({"Version": 1, "SecretAccessKey": "process-secret"})"),
        std::string(R"({"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "process-secret", broken)"),
        std::string(R"({"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "process-secret", "Expiration": "process-secret"})")}) {
    auto got = credentials_from_process(printing(dir, output));
    ASSERT_FALSE(got) << output;
    EXPECT_NE(got.error().message.find("credential_process: "), std::string::npos) << got.error().message;
    EXPECT_EQ(got.error().message.find("process-secret"), std::string::npos) << got.error().message;
  }
}

TEST(ProcessCredentials, ACommandPastTheTimeoutIsKilled) {
  const auto start = std::chrono::steady_clock::now();
  auto got = credentials_from_process("exec sleep 30", std::chrono::milliseconds(200));
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("did not finish within 200 ms"), std::string::npos) << got.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ProcessCredentials, FromTheCredentialsFilesProfile) {
  TempDir home;
  home.write(".aws/credentials", "[sso]\ncredential_process = " + printing(home, kOutput) + "\n");
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}, {"AWS_PROFILE", "sso"}})->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "ASIAPROCESS");
}

TEST(ProcessCredentials, FromTheConfigFilesProfileWithoutACredentialsFile) {
  TempDir home;
  home.write(".aws/config", "[default]\nregion = eu-west-1\n[profile sso]\nregion = eu-west-1\n"
                            "credential_process = " + printing(home, kOutput) + "\n");
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}, {"AWS_PROFILE", "sso"}})->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->secret_access_key, "process-secret");
}

TEST(ProcessCredentials, KeysInTheCredentialsFileComeFirst) {
  TempDir home;
  home.write(".aws/credentials", "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n");
  home.write(".aws/config", "[default]\ncredential_process = " + printing(home, kOutput) + "\n");
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}})->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "AKIAFILE");
}

TEST(ProcessCredentials, AFailingProcessNamesTheProfile) {
  TempDir home;
  home.write(".aws/config", "[profile sso]\ncredential_process = exit 7\n");
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}, {"AWS_PROFILE", "sso"}})->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("profile \"sso\" in " + (home.path() / ".aws/config").string()),
            std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("exited with status 7"), std::string::npos) << got.error().message;
}

}  // namespace
}  // namespace ebworker
