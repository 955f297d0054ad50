// Where DynamoDB requests go and which region signs them, as the AWS SDKs resolve it: the
// service's own endpoint variable before the general one, then AWS's public endpoint of the
// region; AWS_REGION before AWS_DEFAULT_REGION, and no region at all refused.

#include "dynamodb/dynamodb_endpoint.h"

#include <gtest/gtest.h>

namespace ebworker {
namespace {

TEST(DynamoEndpoint, TheRegionsPublicEndpointWhenNoneIsSet) {
  auto e = dynamodb_endpoint({{"AWS_REGION", "eu-west-3"}});
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->url, "https://dynamodb.eu-west-3.amazonaws.com/");
  EXPECT_EQ(e->region, "eu-west-3");
}

TEST(DynamoEndpoint, AwsRegionBeforeAwsDefaultRegion) {
  EXPECT_EQ(dynamodb_endpoint({{"AWS_REGION", "eu-west-3"}, {"AWS_DEFAULT_REGION", "us-west-2"}})->region, "eu-west-3");
  auto fallback = dynamodb_endpoint({{"AWS_DEFAULT_REGION", "us-west-2"}});
  ASSERT_TRUE(fallback) << fallback.error().message;
  EXPECT_EQ(fallback->region, "us-west-2");
  EXPECT_EQ(fallback->url, "https://dynamodb.us-west-2.amazonaws.com/");
}

TEST(DynamoEndpoint, NoRegionIsRefusedEvenWithAnEndpoint) {
  auto none = dynamodb_endpoint({{"AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"}});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("set AWS_REGION"), std::string::npos) << none.error().message;
  EXPECT_FALSE(dynamodb_endpoint({{"AWS_REGION", ""}}));
}

TEST(DynamoEndpoint, TheServicesOwnVariableBeforeTheGeneralOne) {
  auto own = dynamodb_endpoint({{"AWS_REGION", "us-east-1"},
                                {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
                                {"AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"}});
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->url, "http://127.0.0.1:8000/");
  auto general = dynamodb_endpoint({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"}});
  ASSERT_TRUE(general) << general.error().message;
  EXPECT_EQ(general->url, "http://127.0.0.1:4566/");
  EXPECT_EQ(general->region, "us-east-1") << "an endpoint does not change the signing region";
}

TEST(DynamoEndpoint, AnEmptyVariableCountsAsUnset) {
  auto e = dynamodb_endpoint({{"AWS_REGION", ""},
                              {"AWS_DEFAULT_REGION", "us-west-2"},
                              {"AWS_ENDPOINT_URL_DYNAMODB", ""},
                              {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"}});
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->region, "us-west-2");
  EXPECT_EQ(e->url, "http://127.0.0.1:4566/");
}

TEST(DynamoEndpoint, APathIsKeptAndOnlyARootGetsItsSlash) {
  EXPECT_EQ(dynamodb_endpoint({{"AWS_REGION", "us-east-1"},
                               {"AWS_ENDPOINT_URL_DYNAMODB", "https://ddb.example:8443/prefix/"}})
                ->url,
            "https://ddb.example:8443/prefix/");
  EXPECT_EQ(dynamodb_endpoint({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL_DYNAMODB", "http://[::1]:8000/"}})->url,
            "http://[::1]:8000/");
}

TEST(DynamoEndpoint, AnEndpointThatIsNotHttpIsRefusedNamingIt) {
  for (const std::string bad : {"ftp://127.0.0.1:8000", "127.0.0.1:8000", "http://", "not a url"}) {
    auto refused = dynamodb_endpoint({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL_DYNAMODB", bad}});
    ASSERT_FALSE(refused) << bad << " → " << refused->url;
    EXPECT_NE(refused.error().message.find("\"" + bad + "\" is not an http(s) URL"), std::string::npos)
        << refused.error().message;
  }
}

}  // namespace
}  // namespace ebworker
