#include <gtest/gtest.h>

#include "aws/imds_credentials.h"
#include "credentials_test_support.h"
#include "net/http_client.h"
#include "support/fake_http_server.h"

namespace ebworker {
namespace {

using testing::FakeHttpServer;

constexpr const char* kToken = "AQAEAImdsSessionToken==";
constexpr const char* kRolesPath = "/latest/meta-data/iam/security-credentials/";

// An instance metadata service that insists on IMDSv2: no token, no answer.
FakeHttpServer::Script imds(std::string role = "worker-role", std::string document = "") {
  if (document.empty())
    document = testing::credentials_json("ASIAIMDS", "imds-secret", "imds-token", "2026-11-23T17:00:00Z");
  return [role, document](const Request& r) {
    if (r.path == "/latest/api/token") {
      if (r.method != "PUT") return Response{405, "", "", {}};
      if (r.headers.get("X-aws-ec2-metadata-token-ttl-seconds") != "21600") return Response{400, "", "", {}};
      return Response::ok(kToken);
    }
    if (r.method != "GET" || r.headers.get("X-aws-ec2-metadata-token") != kToken) return Response{401, "", "", {}};
    if (r.path == kRolesPath) return role.empty() ? Response{404, "", "", {}} : Response::ok(role);
    if (r.path == kRolesPath + role) return Response::ok(document);
    return Response{404, "", "", {}};
  };
}

Environment at_endpoint(const std::string& url) { return {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", url}}; }

TEST(ImdsCredentials, TokenFirstThenRoleThenCredentials) {
  FakeHttpServer server(imds());
  auto got = imds_credentials(at_endpoint(server.url()), std::make_shared<HttpClient>())->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->access_key_id, "ASIAIMDS");
  EXPECT_EQ(got->secret_access_key, "imds-secret");
  EXPECT_EQ(got->session_token, "imds-token");
  ASSERT_TRUE(got->expiration);
  EXPECT_EQ(*got->expiration, testing::at("2026-11-23T17:00:00Z"));

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].path, "/latest/api/token");
  EXPECT_EQ(requests[0].headers.get("X-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].path, kRolesPath);
  EXPECT_EQ(requests[1].headers.get("X-aws-ec2-metadata-token"), kToken);
  EXPECT_EQ(requests[2].method, "GET");
  EXPECT_EQ(requests[2].path, std::string(kRolesPath) + "worker-role");
  EXPECT_EQ(requests[2].headers.get("X-aws-ec2-metadata-token"), kToken);
}

TEST(ImdsCredentials, EndpointWithATrailingSlash) {
  FakeHttpServer server(imds());
  auto got = imds_credentials(at_endpoint(server.url() + "/"), std::make_shared<HttpClient>())->fetch();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(server.requests().at(0).path, "/latest/api/token");
}

TEST(ImdsCredentials, DisabledAsksNothing) {
  FakeHttpServer server(imds());
  Environment env = at_endpoint(server.url());
  env["AWS_EC2_METADATA_DISABLED"] = "TRUE";
  auto got = imds_credentials(env, std::make_shared<HttpClient>())->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
  EXPECT_TRUE(server.requests().empty());
}

TEST(ImdsCredentials, NoRoleAttached) {
  FakeHttpServer server(imds(""));
  auto got = imds_credentials(at_endpoint(server.url()), std::make_shared<HttpClient>())->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("no IAM role"), std::string::npos) << got.error().message;
}

TEST(ImdsCredentials, RefusedTokenStopsBeforeAnyGet) {
  FakeHttpServer server([](const Request&) { return Response{403, "", "", {}}; });
  auto got = imds_credentials(at_endpoint(server.url()), std::make_shared<HttpClient>())->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("token request"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("HTTP 403"), std::string::npos) << got.error().message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(ImdsCredentials, ARoleNameThatIsNotOneIsNotPutInAUrl) {
  FakeHttpServer server(imds("../../../latest/user-data"));
  auto got = imds_credentials(at_endpoint(server.url()), std::make_shared<HttpClient>())->fetch();
  ASSERT_FALSE(got);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(ImdsCredentials, FailureCodeInTheDocument) {
  FakeHttpServer server(imds("worker-role", R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"x"})"));
  auto got = imds_credentials(at_endpoint(server.url()), std::make_shared<HttpClient>())->fetch();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("AssumeRoleUnauthorizedAccess"), std::string::npos) << got.error().message;
}

TEST(ImdsCredentials, UnreachableFailsFast) {
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::closed_port());
  const auto start = std::chrono::steady_clock::now();
  auto got = imds_credentials(at_endpoint(url), std::make_shared<HttpClient>())->fetch();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_LT(took, std::chrono::seconds(3));  // a bound, not a benchmark
  EXPECT_NE(got.error().message.find(url), std::string::npos) << got.error().message;
}

TEST(ImdsCredentials, SilentServiceTimesOutInAboutTwoSeconds) {
  testing::SilentListener silent;  // connections complete, nothing is ever answered
  const auto start = std::chrono::steady_clock::now();
  auto got = imds_credentials(at_endpoint(silent.url()), std::make_shared<HttpClient>())->fetch();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_LT(took, std::chrono::seconds(3));  // the 2 s request timeout, not a stall
  EXPECT_NE(got.error().message.find("token request failed"), std::string::npos) << got.error().message;
}

TEST(ImdsCredentials, TheSdkTimeoutSettingIsTheWait) {
  testing::SilentListener silent;
  Environment env = at_endpoint(silent.url());
  env["AWS_METADATA_SERVICE_TIMEOUT"] = "4";
  const auto start = std::chrono::steady_clock::now();
  auto got = imds_credentials(env, std::make_shared<HttpClient>())->fetch();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_GE(took, std::chrono::milliseconds(3900));  // not the 2 s default
  EXPECT_NE(got.error().message.find("token request failed"), std::string::npos) << got.error().message;
}

TEST(ImdsCredentials, AnInvalidTimeoutSettingIsNamedAndNothingIsAsked) {
  FakeHttpServer server(imds());
  for (const char* value : {"0", "-1", "1.5", "3601", "ten", "99999999999999999999"}) {
    Environment env = at_endpoint(server.url());
    env["AWS_METADATA_SERVICE_TIMEOUT"] = value;
    auto got = imds_credentials(env, std::make_shared<HttpClient>())->fetch();
    ASSERT_FALSE(got) << value;
    EXPECT_NE(got.error().message.find("AWS_METADATA_SERVICE_TIMEOUT must be"), std::string::npos)
        << got.error().message;
  }
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace ebworker
