// No error message and no log line ever holds a secret access key, a session token, a container
// authorization token or an IMDS session token: each case below fails (or succeeds) with those in
// reach, and the text produced is searched for them.

#include <gtest/gtest.h>

#include "aws/container_credentials.h"
#include "aws/credentials_chain.h"
#include "aws/environment_credentials.h"
#include "aws/imds_credentials.h"
#include "aws/shared_credentials_file.h"
#include "credentials_test_support.h"
#include "net/http_client.h"
#include "support/fake_http_server.h"

namespace ebworker {
namespace {

using testing::FakeHttpServer;
using testing::TempDir;

const std::vector<std::string> kSecrets = {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET", "IQoJb3JpZ2luX2VjSESSIONTOKEN",
                                           "container-AUTH-token-value", "imds-SESSION-token-value"};

void expect_no_secret(const std::string& text) {
  for (const auto& secret : kSecrets) EXPECT_EQ(text.find(secret), std::string::npos) << "leaked in: " << text;
}

void expect_error_without_secret(const Result<AwsCredentials>& got) {
  ASSERT_FALSE(got);
  EXPECT_FALSE(got.error().message.empty());
  expect_no_secret(got.error().message);
}

const std::string& secret() { return kSecrets[0]; }
const std::string& session_token() { return kSecrets[1]; }

TEST(NoSecrets, EnvironmentWithHalfAPair) {
  expect_error_without_secret(
      environment_credentials(Environment{{"AWS_SECRET_ACCESS_KEY", secret()}, {"AWS_SESSION_TOKEN", session_token()}})
          ->fetch());
}

TEST(NoSecrets, SharedFileWithoutKeyIdOrWithAnotherProfile) {
  TempDir home;
  home.write(".aws/credentials", "[default]\naws_secret_access_key = " + secret() +
                                     "\naws_session_token = " + session_token() + "\n[" + secret() + "]\n");
  expect_error_without_secret(shared_credentials_file(Environment{{"HOME", home.path().string()}})->fetch());
  expect_error_without_secret(
      shared_credentials_file(Environment{{"HOME", home.path().string()}, {"AWS_PROFILE", "other"}})->fetch());
}

TEST(NoSecrets, ContainerAnswersThatAreNotCredentials) {
  const std::vector<std::pair<int, std::string>> answers = {
      {200, R"({"SecretAccessKey":")" + secret() + R"(","Token":")" + session_token() + R"("})"},
      {200, R"({"AccessKeyId":"A","SecretAccessKey":")" + secret() + R"(","Expiration":")" + secret() + R"("})"},
      {200, R"({"AccessKeyId":"A","SecretAccessKey":")" + secret() + R"(", broken)"},
      {200, R"({"AccessKeyId":"A","SecretAccessKey":")" + secret() + R"(","Token":")" + session_token() +
                R"(","Expiration":"2026-02-30T00:00:00Z"})"},
      {401, R"({"code":")" + secret() + R"(","message":"bad token )" + kSecrets[2] + R"("})"},
  };
  for (const auto& [status, body] : answers) {
    FakeHttpServer server([&](const Request&) { return Response{status, body, "", {}}; });
    expect_error_without_secret(
        container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/creds"},
                                          {"AWS_CONTAINER_AUTHORIZATION_TOKEN", kSecrets[2]}},
                              std::make_shared<HttpClient>())
            ->fetch());
  }
}

TEST(NoSecrets, ContainerTokensThatAreRefused) {
  TempDir dir;
  const std::string file = dir.write("token", kSecrets[2] + "\nsecond line");
  expect_error_without_secret(container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                                                 "http://127.0.0.1:1/creds"},
                                                                {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file}},
                                                    std::make_shared<HttpClient>())
                                  ->fetch());
  expect_error_without_secret(container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                                                 "http://example.com/creds"},
                                                                {"AWS_CONTAINER_AUTHORIZATION_TOKEN", kSecrets[2] + "\r\n"}},
                                                    std::make_shared<HttpClient>())
                                  ->fetch());
}

TEST(NoSecrets, InstanceMetadataFailures) {
  for (const std::string& document :
       {R"({"Code":")" + secret() + R"(","AccessKeyId":"A","SecretAccessKey":")" + secret() + R"("})",
        R"({"Code":"Success","SecretAccessKey":")" + secret() + R"(","Token":")" + session_token() + R"("})",
        R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":")" + secret() + R"(" oops)"}) {
    FakeHttpServer server([&](const Request& r) {
      if (r.path == "/latest/api/token") return Response::ok(kSecrets[3]);
      if (r.path == "/latest/meta-data/iam/security-credentials/") return Response::ok("role");
      return Response::ok(document);
    });
    expect_error_without_secret(
        imds_credentials(Environment{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}}, std::make_shared<HttpClient>())
            ->fetch());
  }
  // A role list holding a secret instead of a role name.
  FakeHttpServer server([&](const Request& r) {
    if (r.path == "/latest/api/token") return Response::ok(kSecrets[3]);
    return Response::ok(secret());
  });
  expect_error_without_secret(
      imds_credentials(Environment{{"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}}, std::make_shared<HttpClient>())
          ->fetch());
}

TEST(NoSecrets, ChainErrorsAndLogs) {
  // A successful fetch, a refresh that fails, and a chain error: none of it in the logs.
  testing::FakeClock clock(testing::at("2026-11-23T11:00:00Z"));
  bool healthy = true;
  std::mutex mutex;
  FakeHttpServer server([&](const Request&) {
    std::lock_guard lock(mutex);
    if (!healthy) return Response{500, secret(), "", {}};
    return Response::ok(testing::credentials_json("ASIA1", secret(), session_token(),
                                                  testing::iso_seconds(clock.now() + std::chrono::minutes(1))));
  });
  TempDir home;
  home.write(".aws/credentials", "[default]\naws_secret_access_key = " + secret() + "\n");
  auto provider = default_credentials_chain(
      Environment{{"HOME", home.path().string()},
                  {"AWS_SESSION_TOKEN", session_token()},
                  {"AWS_SECRET_ACCESS_KEY", secret()},
                  {"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url()},
                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN", kSecrets[2]},
                  {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + std::to_string(testing::closed_port())}},
      DefaultChainOptions{.chain = {.clock = clock.clock()}, .http = nullptr});
  ASSERT_TRUE(provider->get());
  {
    std::lock_guard lock(mutex);
    healthy = false;
  }
  ASSERT_TRUE(provider->get());  // refresh failed, old ones still valid: logged as a warning
  clock.advance(std::chrono::minutes(2));
  expect_error_without_secret(provider->get());
  expect_no_secret(testing::captured_logs());
  EXPECT_NE(testing::captured_logs().find("AWS credentials from container"), std::string::npos);
}

}  // namespace
}  // namespace ebworker
