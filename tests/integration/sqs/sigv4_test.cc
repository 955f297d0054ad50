// Signing. The reference SigV4 (test code, sigv4_reference.h) is checked against AWS's published
// test-suite vectors; then the requests the client sends through libcurl to a capture server on
// loopback must carry exactly the Authorization header the reference computes for the same
// time (the request's X-Amz-Date), keys and request.

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "fake_sqs.h"
#include "sigv4_reference.h"

namespace ebworker {
namespace {

using testing::SigV4Request;
using testing::SigV4Scope;

const SigV4Scope kSuite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service"};
constexpr const char* kSuiteDate = "20150830T123600Z";
// The test suite's example session token (post-sts-token).
constexpr const char* kSuiteToken =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoI"
    "YRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDv"
    "p75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn"
    "9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

SigV4Request suite_request(const std::string& method) {
  return {method, "/", "", {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kSuiteDate}}, ""};
}

TEST(SigV4Reference, GetVanilla) {
  const auto request = suite_request("GET");
  EXPECT_EQ(testing::canonical_request(request),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(testing::sha256_hex(testing::canonical_request(request)),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(testing::sigv4_authorization(request, kSuite, kSuiteDate),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Reference, PostVanilla) {
  EXPECT_EQ(testing::sigv4_authorization(suite_request("POST"), kSuite, kSuiteDate),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4Reference, PostStsHeaderBefore) {
  auto request = suite_request("POST");
  request.headers.emplace_back("X-Amz-Security-Token", kSuiteToken);
  EXPECT_EQ(testing::sha256_hex(testing::canonical_request(request)),
            "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6");
  EXPECT_EQ(testing::sigv4_authorization(request, kSuite, kSuiteDate),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, "
            "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
}

TEST(SigV4Reference, HeaderValuesAreTrimmedAndNamesSorted) {
  // get-header-value-trim from the suite.
  auto request = suite_request("GET");
  request.headers.emplace_back("My-Header1", " value1");
  request.headers.emplace_back("My-Header2", "\"a   b   c\"");
  EXPECT_EQ(testing::sigv4_authorization(request, kSuite, kSuiteDate),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;my-header1;my-header2;x-amz-date, "
            "Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

// What the client sent, signed again by the reference from the captured request itself: the
// headers SigV4 requires (host, x-amz-*) and the content type, as the SDKs sign them.
std::string reference_for(const testing::CapturedRequest& captured, const SigV4Scope& scope) {
  SigV4Request request{captured.method, captured.path, "", {}, captured.body};
  for (const char* name : {"Content-Type", "Host", "X-Amz-Date", "X-Amz-Target", "X-Amz-Security-Token"})
    if (const std::string* value = captured.headers.find(name)) request.headers.emplace_back(name, *value);
  return testing::sigv4_authorization(request, scope, captured.headers.get("X-Amz-Date"));
}

// X-Amz-Date is "now" in UTC, to the second.
void expect_recent(std::string_view amz_date) {
  ASSERT_EQ(amz_date.size(), 16u) << amz_date;
  std::tm tm{};
  ASSERT_TRUE(strptime(std::string(amz_date).c_str(), "%Y%m%dT%H%M%SZ", &tm)) << amz_date;
  const auto sent = std::chrono::system_clock::from_time_t(timegm(&tm));
  const auto skew = std::chrono::system_clock::now() - sent;
  EXPECT_LT(std::chrono::abs(skew), std::chrono::minutes(1)) << amz_date;
}

class ClientSigning : public ::testing::Test {
 protected:
  testing::FakeHttpServer server{[](const Request& r) { return testing::sqs_answer(testing::send_answer_for(r.body)); }};

  testing::CapturedRequest send_one(std::shared_ptr<CredentialsProvider> credentials) {
    auto config = testing::client_config_for(server);
    config.credentials = std::move(credentials);
    auto client = Client::create(config);
    EXPECT_TRUE(client);
    auto sent = client->enqueue("EchoJob", R"(["caf\u00e9", 1])");
    EXPECT_TRUE(sent) << sent.error().describe();
    const auto requests = server.requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.at(0);
  }
};

TEST_F(ClientSigning, AuthorizationEqualsTheReference) {
  const auto captured = send_one(testing::test_credentials());
  EXPECT_EQ(captured.method, "POST");
  EXPECT_EQ(captured.path, "/");
  EXPECT_EQ(captured.headers.get("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(captured.headers.get("X-Amz-Target"), "AmazonSQS.SendMessage");
  expect_recent(captured.headers.get("X-Amz-Date"));
  EXPECT_EQ(captured.headers.find("X-Amz-Security-Token"), nullptr);

  const std::string sent(captured.headers.get("Authorization"));
  EXPECT_EQ(sent, reference_for(captured, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "sqs"}));
  EXPECT_NE(sent.find("SignedHeaders=content-type;host;x-amz-date;x-amz-target,"), std::string::npos) << sent;
  EXPECT_NE(sent.find("/us-east-1/sqs/aws4_request"), std::string::npos) << sent;
}

TEST_F(ClientSigning, SessionTokenIsSentAndSigned) {
  const auto captured = send_one(testing::test_credentials(kSuiteToken));
  EXPECT_EQ(captured.headers.get("X-Amz-Security-Token"), kSuiteToken);
  const std::string sent(captured.headers.get("Authorization"));
  EXPECT_EQ(sent, reference_for(captured, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "sqs"}));
  EXPECT_NE(sent.find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"),
            std::string::npos)
      << sent;
}

TEST_F(ClientSigning, RegionComesFromTheQueueUrlWhenNotConfigured) {
  // The endpoint is the capture server; the queue URL names eu-west-3, as fauxqs's URLs do.
  auto config = testing::client_config_for(server);
  config.endpoint.region.clear();
  config.queue_url = "http://sqs.eu-west-3.localhost:1/000000000000/jobs";
  auto client = Client::create(config);
  ASSERT_TRUE(client);
  auto sent = client->enqueue("EchoJob");
  ASSERT_TRUE(sent) << sent.error().describe();
  const auto captured = server.requests().at(0);
  EXPECT_EQ(std::string(captured.headers.get("Authorization")),
            reference_for(captured, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "eu-west-3", "sqs"}));
}

}  // namespace
}  // namespace ebworker
