// Where requests go and which region signs them: the SDKs' variables first, else the queue URL.

#include <gtest/gtest.h>

#include "sqs/sqs_endpoint.h"

namespace ebworker {
namespace {

TEST(QueueUrl, Parses) {
  auto q = QueueUrl::parse("https://sqs.eu-west-1.amazonaws.com/123456789012/jobs");
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->scheme, "https");
  EXPECT_EQ(q->authority, "sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(q->host, "sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(q->name, "jobs");
  EXPECT_EQ(q->origin(), "https://sqs.eu-west-1.amazonaws.com");
  EXPECT_FALSE(q->fifo());

  auto local = QueueUrl::parse("http://sqs.us-east-1.localhost:4566/000000000000/orders.fifo");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->host, "sqs.us-east-1.localhost");
  EXPECT_EQ(local->origin(), "http://sqs.us-east-1.localhost:4566");
  EXPECT_TRUE(local->fifo());

  auto v6 = QueueUrl::parse("http://[::1]:9324/000000000000/q");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
}

TEST(QueueUrl, RefusesWhatIsNotOne) {
  for (const char* bad : {"sqs.us-east-1.amazonaws.com/1/jobs", "ftp://host/1/jobs", "https://host",
                          "https:///1/jobs", "https://host/", "https://host/1/jobs?x=1"}) {
    auto q = QueueUrl::parse(bad);
    ASSERT_FALSE(q) << bad;
    EXPECT_NE(q.error().message.find(bad), std::string::npos) << q.error().message;
  }
}

TEST(RegionFromHost, KnownShapes) {
  EXPECT_EQ(region_from_host("sqs.us-east-2.amazonaws.com"), "us-east-2");
  EXPECT_EQ(region_from_host("sqs.cn-north-1.amazonaws.com.cn"), "cn-north-1");
  EXPECT_EQ(region_from_host("sqs-fips.us-gov-west-1.amazonaws.com"), "us-gov-west-1");
  EXPECT_EQ(region_from_host("sqs.us-east-1.localhost"), "us-east-1");
  EXPECT_EQ(region_from_host("eu-west-1.queue.amazonaws.com"), "eu-west-1");
  EXPECT_EQ(region_from_host("queue.amazonaws.com"), "us-east-1");
  EXPECT_EQ(region_from_host("vpce-0123-abcd.sqs.ap-south-1.vpce.amazonaws.com"), "ap-south-1");
  EXPECT_EQ(region_from_host("SQS.US-WEST-2.AMAZONAWS.COM"), "us-west-2");
  EXPECT_EQ(region_from_host("127.0.0.1"), "");
  EXPECT_EQ(region_from_host("localhost"), "");
  EXPECT_EQ(region_from_host("sqs.amazonaws.com"), "");
}

TEST(SqsEndpointSettings, SdkNamesInOrder) {
  EXPECT_EQ(sqs_endpoint_settings({{"AWS_ENDPOINT_URL", "http://a"}, {"AWS_ENDPOINT_URL_SQS", "http://b"}}).endpoint,
            "http://b");
  EXPECT_EQ(sqs_endpoint_settings({{"AWS_ENDPOINT_URL", "http://a"}}).endpoint, "http://a");
  EXPECT_EQ(sqs_endpoint_settings({{"AWS_ENDPOINT_URL", "http://a"}, {"AWS_ENDPOINT_URL_SQS", ""}}).endpoint,
            "http://a");
  EXPECT_EQ(sqs_endpoint_settings({{"AWS_DEFAULT_REGION", "eu-west-1"}, {"AWS_REGION", "us-west-2"}}).region,
            "us-west-2");
  EXPECT_EQ(sqs_endpoint_settings({{"AWS_DEFAULT_REGION", "eu-west-1"}}).region, "eu-west-1");
  EXPECT_EQ(sqs_endpoint_settings({}).endpoint, "");
}

TEST(ResolveSqsTarget, FromTheQueueUrlAlone) {
  auto t = resolve_sqs_target({}, "https://sqs.eu-central-1.amazonaws.com/1/jobs");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->url, "https://sqs.eu-central-1.amazonaws.com/");
  EXPECT_EQ(t->region, "eu-central-1");
}

TEST(ResolveSqsTarget, ConfiguredEndpointWinsAndRegionStillFromTheQueueUrl) {
  // fauxqs: its queue URLs name a host no resolver knows.
  auto t = resolve_sqs_target({"http://127.0.0.1:4566", ""}, "http://sqs.us-east-1.localhost:4566/0/jobs");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->url, "http://127.0.0.1:4566/");
  EXPECT_EQ(t->region, "us-east-1");
}

TEST(ResolveSqsTarget, ConfiguredRegionWins) {
  auto t = resolve_sqs_target({"", "ap-northeast-1"}, "https://sqs.eu-central-1.amazonaws.com/1/jobs");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->region, "ap-northeast-1");
  EXPECT_EQ(t->url, "https://sqs.eu-central-1.amazonaws.com/");
}

TEST(ResolveSqsTarget, WithoutAQueueUrl) {
  auto by_region = resolve_sqs_target({"", "sa-east-1"}, "");
  ASSERT_TRUE(by_region);
  EXPECT_EQ(by_region->url, "https://sqs.sa-east-1.amazonaws.com/");
  auto by_endpoint = resolve_sqs_target({"https://sqs.us-west-1.amazonaws.com/", ""}, "");
  ASSERT_TRUE(by_endpoint);
  EXPECT_EQ(by_endpoint->region, "us-west-1");
  EXPECT_EQ(by_endpoint->url, "https://sqs.us-west-1.amazonaws.com/");
}

TEST(ResolveSqsTarget, ClearErrors) {
  auto none = resolve_sqs_target({}, "");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("AWS_ENDPOINT_URL_SQS"), std::string::npos);

  auto no_region = resolve_sqs_target({"http://127.0.0.1:9324", ""}, "http://127.0.0.1:9324/0/jobs");
  ASSERT_FALSE(no_region);
  EXPECT_NE(no_region.error().message.find("AWS_REGION"), std::string::npos);

  auto bad_endpoint = resolve_sqs_target({"127.0.0.1:9324", "us-east-1"}, "");
  ASSERT_FALSE(bad_endpoint);
  EXPECT_NE(bad_endpoint.error().message.find("127.0.0.1:9324"), std::string::npos);
}

// SQS authenticates requests by signature: a user name or password in a queue URL is never sent,
// only leaked into messages. Refused, and the refusal does not quote it; nor do endpoint errors.
TEST(QueueUrl, CredentialsAreRefusedAndNeverQuoted) {
  for (const char* url : {"https://user:s3cret@sqs.us-east-1.amazonaws.com/1/jobs", "http://s3cret@127.0.0.1:9/0/q",
                          "https://user:s3cret@host/1/jobs?x=1", "ftp://user:s3cret@host/1/jobs"}) {
    auto q = QueueUrl::parse(url);
    ASSERT_FALSE(q) << url;
    EXPECT_EQ(q.error().message.find("s3cret"), std::string::npos) << q.error().message;
    EXPECT_NE(q.error().message.find("***@"), std::string::npos) << q.error().message;
  }
  auto no_region = resolve_sqs_target({"http://user:s3cret@127.0.0.1:9324", ""}, "http://127.0.0.1:9324/0/jobs");
  ASSERT_FALSE(no_region);
  EXPECT_EQ(no_region.error().message.find("s3cret"), std::string::npos) << no_region.error().message;
  auto bad_endpoint = resolve_sqs_target({"user:s3cret@127.0.0.1:9324", "us-east-1"}, "");
  ASSERT_FALSE(bad_endpoint);
  EXPECT_EQ(bad_endpoint.error().message.find("s3cret"), std::string::npos) << bad_endpoint.error().message;
}

}  // namespace
}  // namespace ebworker
