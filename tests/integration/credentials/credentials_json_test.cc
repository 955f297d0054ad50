#include <gtest/gtest.h>

#include "aws/credentials_json.h"

namespace ebworker {
namespace {

using namespace std::chrono;

TEST(ParseCredentialsJson, AllFields) {
  auto got = parse_credentials_json(
      R"({"RoleArn":"arn:aws:iam::1:role/r","AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t",)"
      R"("Expiration":"2026-11-23T12:00:00Z"})");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "ASIA1");
  EXPECT_EQ(got->secret_access_key, "s");
  EXPECT_EQ(got->session_token, "t");
  EXPECT_EQ(got->expiration, sys_days(2026y / November / 23) + 12h);
}

TEST(ParseCredentialsJson, ExpirationWithAFractionIsReadToTheSecond) {
  auto got = parse_credentials_json(
      R"({"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"2024-02-29T23:59:59.750Z"})");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->expiration, sys_days(2024y / February / 29) + 23h + 59min + 59s);
}

TEST(ParseCredentialsJson, TokenAndExpirationAreOptional) {
  auto got = parse_credentials_json(R"({"AccessKeyId":"AKIA1","SecretAccessKey":"s"})");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->session_token, "");
  EXPECT_FALSE(got->expiration);
}

TEST(ParseCredentialsJson, ErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* expected;
  };
  for (const auto& [body, expected] : {
           Case{"", "not valid JSON"},
           Case{"[1]", "not a JSON object"},
           Case{R"({"SecretAccessKey":"s"})", "missing field \"AccessKeyId\""},
           Case{R"({"AccessKeyId":"A","SecretAccessKey":""})", "missing field \"SecretAccessKey\""},
           Case{R"({"AccessKeyId":"A","SecretAccessKey":"s","Token":5})", "field \"Token\" is not a string"},
           Case{R"({"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"tomorrow"})",
                "field \"Expiration\" is not an ISO 8601 UTC time"},
           Case{R"({"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"2026-02-30T00:00:00Z"})",
                "field \"Expiration\" is not an ISO 8601 UTC time"},
           Case{R"({"Code":"Failure","AccessKeyId":"A","SecretAccessKey":"s"})", "Code \"Failure\""},
       }) {
    auto got = parse_credentials_json(body);
    ASSERT_FALSE(got) << body;
    EXPECT_NE(got.error().message.find(expected), std::string::npos) << body << " → " << got.error().message;
  }
}

TEST(ErrorCodeOf, OnlyAPlainWord) {
  EXPECT_EQ(error_code_of(R"({"code":"InvalidToken","message":"m"})"), "InvalidToken");
  EXPECT_EQ(error_code_of(R"({"Code":"AccessDenied"})"), "AccessDenied");
  EXPECT_EQ(error_code_of(R"({"code":"has spaces and / slashes"})"), "");
  EXPECT_EQ(error_code_of(R"({"code":"AKIAIOSFODNN7EXAMPLE"})"), "");  // digits: shaped like a key
  EXPECT_EQ(error_code_of("not json"), "");
}

}  // namespace
}  // namespace ebworker
