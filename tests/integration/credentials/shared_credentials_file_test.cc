#include <gtest/gtest.h>

#include "aws/shared_credentials_file.h"
#include "credentials_test_support.h"

namespace ebworker {
namespace {

using testing::TempDir;

constexpr const char* kFile =
    "# written by aws configure\n"
    "[default]\n"
    "aws_access_key_id = AKIADEFAULT\n"
    "aws_secret_access_key = default-secret\n"
    "s3 =\n"
    "    aws_secret_access_key = a-nested-setting-not-the-key\n"
    "\n"
    "[work]\r\n"
    "  AWS_Access_Key_Id=ASIAWORK  \r\n"
    "; a comment\r\n"
    "aws_secret_access_key: work/secret+key\r\n"
    "aws_session_token = work-token==\r\n"
    "\r\n"
    "[roles]\n"
    "role_arn = arn:aws:iam::123456789012:role/x\n"
    "source_profile = default\n";

TEST(SharedCredentialsFile, DefaultProfileFromHome) {
  TempDir home;
  home.write(".aws/credentials", kFile);
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}})->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(got->secret_access_key, "default-secret");
  EXPECT_EQ(got->session_token, "");
  EXPECT_FALSE(got->expiration);
}

TEST(SharedCredentialsFile, NamedProfileFromTheFileVariable) {
  TempDir dir;
  const std::string file = dir.write("elsewhere/creds.ini", kFile);
  // HOME points at a directory with no file: the variable must win.
  auto got = shared_credentials_file(Environment{{"HOME", "/nonexistent"},
                                                 {"AWS_SHARED_CREDENTIALS_FILE", file},
                                                 {"AWS_PROFILE", "work"}})
                 ->fetch();
  ASSERT_TRUE(got) << got.error().message;
  // Keys are case-insensitive, both = and : separate, CRLF and blanks around values are dropped,
  // and a value keeps its own = signs.
  EXPECT_EQ(got->access_key_id, "ASIAWORK");
  EXPECT_EQ(got->secret_access_key, "work/secret+key");
  EXPECT_EQ(got->session_token, "work-token==");
}

TEST(SharedCredentialsFile, TildeInTheFileVariableIsHome) {
  TempDir home;
  home.write("custom/credentials", kFile);
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()},
                                                 {"AWS_SHARED_CREDENTIALS_FILE", "~/custom/credentials"}})
                 ->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "AKIADEFAULT");
}

TEST(SharedCredentialsFile, MissingProfileNamesProfileAndFile) {
  TempDir home;
  const std::string file = home.write(".aws/credentials", kFile);
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}, {"AWS_PROFILE", "absent"}})
                 ->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("profile \"absent\""), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find(file), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("does not exist"), std::string::npos) << got.error().message;
}

TEST(SharedCredentialsFile, MissingFileNamesTheFile) {
  TempDir home;  // no .aws/credentials in it
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}})->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find((home.path() / ".aws/credentials").string() + " does not exist"),
            std::string::npos)
      << got.error().message;
}

TEST(SharedCredentialsFile, NoHomeAndNoFileVariable) {
  auto got = shared_credentials_file(Environment{})->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("HOME"), std::string::npos) << got.error().message;
}

TEST(SharedCredentialsFile, ProfileWithoutKeysSaysWhatIsNotSupported) {
  TempDir home;
  home.write(".aws/credentials", kFile);
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}, {"AWS_PROFILE", "roles"}})
                 ->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("role_arn"), std::string::npos) << got.error().message;
}

TEST(SharedCredentialsFile, ProfileWithHalfAPair) {
  TempDir home;
  home.write(".aws/credentials", "[default]\naws_access_key_id = AKIAHALF\n");
  auto got = shared_credentials_file(Environment{{"HOME", home.path().string()}})->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("no aws_secret_access_key"), std::string::npos) << got.error().message;
}

TEST(SharedCredentialsFile, TheFileIsReadOnEveryFetch) {
  TempDir home;
  auto source = shared_credentials_file(Environment{{"HOME", home.path().string()}});
  EXPECT_FALSE(source->fetch());
  home.write(".aws/credentials", kFile);
  EXPECT_TRUE(source->fetch());
}

}  // namespace
}  // namespace ebworker
