// The client's configuration from the environment: defaults, each variable, clear errors.

#include <gtest/gtest.h>

#include "client/client_settings.h"

namespace ebworker {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ClientConfig, Defaults) {
  auto c = load_client_config({});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->queue_url, "");
  EXPECT_EQ(c->max_message_bytes, 1048576u);
  EXPECT_EQ(c->retry.max_attempts, 5);
  EXPECT_EQ(c->retry.budget, seconds(20));
  EXPECT_EQ(c->retry.base_delay, milliseconds(100));
  EXPECT_EQ(c->retry.max_delay, milliseconds(5000));
  EXPECT_EQ(c->request_timeout, seconds(10));
  EXPECT_EQ(c->connect_timeout, seconds(2));
  EXPECT_TRUE(c->credentials);  // the default chain, asked only when a request is signed
}

// One hop's delay is SQS's longest by default, and can be cut (tests) but never raised past it.
TEST(ClientConfig, TheHopDelayIsAtMostSqsFifteenMinutes) {
  EXPECT_EQ(load_client_config({})->max_hop_delay, std::chrono::seconds(900));
  EXPECT_EQ(load_client_config({{"EBWORKER_MAX_HOP_DELAY", "2"}})->max_hop_delay, std::chrono::seconds(2));
  auto over = load_client_config({{"EBWORKER_MAX_HOP_DELAY", "901"}});
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("EBWORKER_MAX_HOP_DELAY"), std::string::npos) << over.error().message;
}

TEST(ClientConfig, EveryVariable) {
  auto c = load_client_config({{"EBWORKER_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/1/jobs"},
                               {"SECRET_KEY_BASE", "k"},
                               {"EBWORKER_MAX_MESSAGE_BYTES", "1048576"},
                               {"EBWORKER_SQS_MAX_ATTEMPTS", "3"},
                               {"EBWORKER_SQS_RETRY_BUDGET", "7"},
                               {"EBWORKER_SQS_BACKOFF_BASE_MS", "20"},
                               {"EBWORKER_SQS_BACKOFF_MAX_MS", "300"},
                               {"EBWORKER_SQS_TIMEOUT", "4"},
                               {"EBWORKER_SQS_CONNECT_TIMEOUT", "1"},
                               {"AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:4566"},
                               {"AWS_REGION", "eu-west-1"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->queue_url, "https://sqs.eu-west-1.amazonaws.com/1/jobs");
  EXPECT_EQ(c->secret, "k");
  EXPECT_EQ(c->max_message_bytes, 1048576u);
  EXPECT_EQ(c->retry.max_attempts, 3);
  EXPECT_EQ(c->retry.budget, seconds(7));
  EXPECT_EQ(c->retry.base_delay, milliseconds(20));
  EXPECT_EQ(c->retry.max_delay, milliseconds(300));
  EXPECT_EQ(c->request_timeout, seconds(4));
  EXPECT_EQ(c->connect_timeout, seconds(1));
  EXPECT_EQ(c->endpoint.endpoint, "http://127.0.0.1:4566");
  EXPECT_EQ(c->endpoint.region, "eu-west-1");
}

TEST(ClientConfig, SdkMaxAttemptsUnlessOursIsSet) {
  EXPECT_EQ(load_client_config({{"AWS_MAX_ATTEMPTS", "2"}})->retry.max_attempts, 2);
  EXPECT_EQ(load_client_config({{"AWS_MAX_ATTEMPTS", "2"}, {"EBWORKER_SQS_MAX_ATTEMPTS", "6"}})->retry.max_attempts,
            6);
}

TEST(ClientConfig, BadValuesNameTheVariable) {
  for (auto [name, value] : {std::pair{"EBWORKER_MAX_MESSAGE_BYTES", "lots"},
                             {"EBWORKER_MAX_MESSAGE_BYTES", "2000000"},
                             {"EBWORKER_SQS_MAX_ATTEMPTS", "0"},
                             {"EBWORKER_SQS_RETRY_BUDGET", "-1"},
                             {"EBWORKER_SQS_TIMEOUT", "1.5"},
                             {"EBWORKER_QUEUE_URL", "jobs"}}) {
    auto c = load_client_config({{name, value}});
    ASSERT_FALSE(c) << name << "=" << value;
    EXPECT_EQ(c.error().message.rfind(name, 0), 0u) << c.error().message;
  }
  auto inverted = load_client_config({{"EBWORKER_SQS_BACKOFF_BASE_MS", "500"}, {"EBWORKER_SQS_BACKOFF_MAX_MS", "100"}});
  ASSERT_FALSE(inverted);
}

TEST(ClientConfig, HelpListsEveryVariable) {
  const std::string help = client_settings_help();
  for (const auto& s : client_settings()) EXPECT_NE(help.find(s.env), std::string::npos) << s.env;
  EXPECT_NE(help.find("AWS_ENDPOINT_URL_SQS"), std::string::npos);
}

}  // namespace
}  // namespace ebworker
