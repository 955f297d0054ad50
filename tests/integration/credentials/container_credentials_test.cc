#include <gtest/gtest.h>

#include "aws/container_credentials.h"
#include "credentials_test_support.h"
#include "net/http_client.h"
#include "support/fake_http_server.h"

namespace ebworker {
namespace {

using testing::FakeHttpServer;
using testing::TempDir;

const std::string kAnswer =
    testing::credentials_json("ASIACONTAINER", "container-secret", "container-token", "2026-11-23T12:00:00Z");

std::unique_ptr<FakeHttpServer> container_server() {
  return std::make_unique<FakeHttpServer>([](const Request&) { return Response::ok(kAnswer); });
}

TEST(ContainerCredentials, RelativeUriGoesToTheAgentWithoutAuthorization) {
  auto server = container_server();
  auto source = container_credentials(
      Environment{{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc-123"},
                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "not-for-the-relative-uri"}},
      std::make_shared<HttpClient>(), ContainerCredentialsOptions{.relative_uri_base = server->url()});
  auto got = source->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "ASIACONTAINER");
  EXPECT_EQ(got->secret_access_key, "container-secret");
  EXPECT_EQ(got->session_token, "container-token");
  ASSERT_TRUE(got->expiration);
  EXPECT_EQ(*got->expiration, testing::at("2026-11-23T12:00:00Z"));

  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/v2/credentials/abc-123");
  EXPECT_EQ(requests[0].headers.find("Authorization"), nullptr);
}

TEST(ContainerCredentials, FullUriWithToken) {
  auto server = container_server();
  auto got = container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server->url() + "/creds"},
                                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc=="}},
                                   std::make_shared<HttpClient>())
                 ->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "ASIACONTAINER");
  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/creds");
  EXPECT_EQ(requests[0].headers.get("Authorization"), "Basic abc==");
}

TEST(ContainerCredentials, TokenFileWinsAndIsReadOnEveryFetch) {
  auto server = container_server();
  TempDir dir;
  const std::string token_file = dir.write("eks-pod-identity-token", "token-from-file-1\n");
  auto source = container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server->url() + "/creds"},
                                                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "token-from-variable"},
                                                  {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}},
                                      std::make_shared<HttpClient>());
  ASSERT_TRUE(source->fetch());
  dir.write("eks-pod-identity-token", "token-from-file-2");  // rotated
  ASSERT_TRUE(source->fetch());

  const auto requests = server->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].headers.get("Authorization"), "token-from-file-1");
  EXPECT_EQ(requests[1].headers.get("Authorization"), "token-from-file-2");
}

TEST(ContainerCredentials, UnreadableTokenFileIsAnError) {
  auto server = container_server();
  auto got = container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server->url()},
                                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/token"}},
                                   std::make_shared<HttpClient>())
                 ->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("/nonexistent/token"), std::string::npos) << got.error().message;
  EXPECT_TRUE(server->requests().empty());
}

TEST(ContainerCredentials, TokenWithALineBreakIsRefused) {
  auto server = container_server();
  auto got = container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server->url()},
                                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1"}},
                                   std::make_shared<HttpClient>())
                 ->fetch();
  ASSERT_FALSE(got);
  EXPECT_TRUE(server->requests().empty());
}

TEST(ContainerCredentials, PlainHttpFullUriToAnotherHostIsRefused) {
  auto got = container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds"},
                                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok"}},
                                   std::make_shared<HttpClient>())
                 ->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("example.com"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("only https"), std::string::npos) << got.error().message;
}

TEST(ContainerCredentials, FullUriHostRules) {
  // Allowed: https anywhere; http to loopback and the ECS / EKS agents.
  EXPECT_TRUE(container_full_uri_allowed("https://credentials.example.com/x"));
  EXPECT_TRUE(container_full_uri_allowed("http://127.0.0.1:51679/creds"));
  EXPECT_TRUE(container_full_uri_allowed("http://127.3.2.1/creds"));
  EXPECT_TRUE(container_full_uri_allowed("http://localhost:8080/creds"));
  EXPECT_TRUE(container_full_uri_allowed("HTTP://LOCALHOST/creds"));
  EXPECT_TRUE(container_full_uri_allowed("http://[::1]:8080/creds"));
  EXPECT_TRUE(container_full_uri_allowed("http://169.254.170.2/v2/credentials"));
  EXPECT_TRUE(container_full_uri_allowed("http://169.254.170.23/v1/credentials"));
  EXPECT_TRUE(container_full_uri_allowed("http://[fd00:ec2::23]/v1/credentials"));
  // Refused.
  EXPECT_FALSE(container_full_uri_allowed("http://example.com/creds"));
  EXPECT_FALSE(container_full_uri_allowed("http://169.254.169.254/latest"));
  EXPECT_FALSE(container_full_uri_allowed("http://10.0.0.1/creds"));
  EXPECT_FALSE(container_full_uri_allowed("http://127.0.0.1.example.com/creds"));
  EXPECT_FALSE(container_full_uri_allowed("http://127.0.0.1@example.com/creds"));  // userinfo, not host
  EXPECT_FALSE(container_full_uri_allowed("http://localhost.example.com/creds"));
  EXPECT_FALSE(container_full_uri_allowed("ftp://127.0.0.1/creds"));
  EXPECT_FALSE(container_full_uri_allowed("not a url"));
  EXPECT_FALSE(container_full_uri_allowed(""));
}

TEST(ContainerCredentials, NeitherUriSet) {
  auto got = container_credentials(Environment{}, std::make_shared<HttpClient>())->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), std::string::npos);
  EXPECT_NE(got.error().message.find("AWS_CONTAINER_CREDENTIALS_FULL_URI"), std::string::npos);
}

TEST(ContainerCredentials, ErrorAnswerGivesStatusAndCode) {
  FakeHttpServer server([](const Request&) {
    return Response{403, R"({"code":"AccessDenied","message":"token rejected"})", "", {}};
  });
  auto got = container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/creds"}},
                                   std::make_shared<HttpClient>())
                 ->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("HTTP 403 (AccessDenied)"), std::string::npos) << got.error().message;
}

TEST(ContainerCredentials, AnswerWithoutKeysIsAnError) {
  FakeHttpServer server([](const Request&) { return Response::ok(R"({"Token":"t"})"); });
  auto got = container_credentials(Environment{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url()}},
                                   std::make_shared<HttpClient>())
                 ->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("AccessKeyId"), std::string::npos) << got.error().message;
}

}  // namespace
}  // namespace ebworker
