// The enqueue client sending to a Rails worker (EBWORKER_MESSAGE_FORMAT active_elastic_job or
// active_job): ActiveJob's body as Rails 7.1 writes it, signed as active_elastic_job checks or
// unsigned with aws-activejob-sqs's attributes, the _aj_* builder's forms, and what a Rails
// worker cannot take refused before anything is sent. Against a capture server speaking SQS.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <utility>

#include <ebworker/client/active_job_forms.h>

#include "envelope/active_job_body.h"
#include "envelope/signer.h"
#include "fake_sqs.h"

namespace ebworker {
namespace {

class RailsClient : public ::testing::Test {
 protected:
  Client client(MessageFormat format, const std::string& queue = "jobs") {
    auto config = testing::client_config_for(server, queue);
    config.message_format = format;
    auto made = Client::create(config);
    if (!made) throw std::runtime_error(made.error().message);
    return std::move(made).value();
  }
  // The last SendMessage request's JSON.
  rapidjson::Document sent() const {
    rapidjson::Document doc;
    const auto requests = server.requests();
    if (!requests.empty()) doc.Parse(requests.back().body.c_str());
    return doc;
  }
  static std::string attribute(const rapidjson::Document& request, const char* name) {
    const auto& attributes = request["MessageAttributes"];
    return attributes.HasMember(name) ? attributes[name]["StringValue"].GetString() : "(absent)";
  }

  testing::FakeHttpServer server{[](const Request& r) { return testing::sqs_answer(testing::send_answer_for(r.body)); }};
};

TEST_F(RailsClient, ActiveElasticJobIsRails71sBodySignedWithSha1) {
  auto sent_job = client(MessageFormat::active_elastic_job).enqueue("Admin::SyncJob", R"(["hello",42])");
  ASSERT_TRUE(sent_job) << sent_job.error().describe();
  const auto request = sent();
  const std::string body = request["MessageBody"].GetString();
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  const char* keys[] = {"job_class", "job_id",   "provider_job_id", "queue_name", "priority",    "arguments",
                        "executions", "exception_executions", "locale", "timezone", "enqueued_at", "scheduled_at"};
  ASSERT_EQ(doc.MemberCount(), std::size(keys)) << body;
  std::size_t i = 0;
  for (const auto& m : std::as_const(doc).GetObject()) EXPECT_STREQ(m.name.GetString(), keys[i++]) << body;
  EXPECT_STREQ(doc["job_class"].GetString(), "Admin::SyncJob");
  EXPECT_EQ(doc["job_id"].GetString(), sent_job->job_id);
  EXPECT_TRUE(doc["provider_job_id"].IsNull());
  EXPECT_STREQ(doc["queue_name"].GetString(), "jobs");
  EXPECT_TRUE(doc["priority"].IsNull());
  EXPECT_EQ(doc["executions"].GetInt(), 0);
  EXPECT_TRUE(doc["exception_executions"].IsObject() && doc["exception_executions"].ObjectEmpty());
  EXPECT_STREQ(doc["locale"].GetString(), "en");
  EXPECT_STREQ(doc["timezone"].GetString(), "UTC");
  EXPECT_EQ(std::string(doc["enqueued_at"].GetString()).size(), std::string("2026-11-23T10:31:40.123456789Z").size());
  EXPECT_TRUE(doc["scheduled_at"].IsNull());
  EXPECT_EQ(attribute(request, "origin"), "AEJ");
  EXPECT_EQ(attribute(request, "message-digest"), hmac_hex(HmacDigest::sha1, testing::kTestSecret, body));
}

TEST_F(RailsClient, ActiveJobIsTheSameBodyUnsignedWithAwsActiveJobSqsAttributes) {
  ASSERT_TRUE(client(MessageFormat::active_job).enqueue("ReportJob", "[]"));
  const auto request = sent();
  EXPECT_EQ(attribute(request, "aws_sqs_active_job_class"), "ReportJob");
  EXPECT_EQ(attribute(request, "aws_sqs_active_job_version"), "ebworker");
  EXPECT_EQ(attribute(request, "message-digest"), "(absent)");
  EXPECT_TRUE(parse_active_job(request["MessageBody"].GetString(), MessageFormat::active_job));
}

TEST_F(RailsClient, ADelayIsTheMessagesOwnWithScheduledAtAndPast900SecondsRefused) {
  auto c = client(MessageFormat::active_elastic_job);
  const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  EnqueueOptions ten_minutes;
  ten_minutes.delay_seconds = 600;
  ASSERT_TRUE(c.enqueue("ReportJob", "[]", ten_minutes));
  const auto request = sent();
  EXPECT_EQ(request["DelaySeconds"].GetInt(), 600);
  auto envelope = parse_active_job(request["MessageBody"].GetString(), MessageFormat::active_elastic_job);
  ASSERT_TRUE(envelope && envelope->scheduled_at);
  EXPECT_GE(*envelope->scheduled_at, before + std::chrono::seconds(600));
  EXPECT_LE(*envelope->scheduled_at, before + std::chrono::seconds(601));

  EnqueueOptions too_late;
  too_late.delay_seconds = 901;
  auto late = c.enqueue("ReportJob", "[]", too_late);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().describe().find("901 s is over 900 s"), std::string::npos) << late.error().describe();
  EXPECT_EQ(server.requests().size(), 1u) << "never sent";
}

TEST_F(RailsClient, AnAejBodyOver256KiBIsRefused) {
  auto c = client(MessageFormat::active_elastic_job);
  const std::string big = "[\"" + std::string(256 * 1024, 'x') + "\"]";
  auto refused = c.enqueue("ReportJob", big);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().describe().find("over active_elastic_job's 262144"), std::string::npos)
      << refused.error().describe();
  EXPECT_TRUE(client(MessageFormat::active_job).enqueue("ReportJob", big)) << "aws-sdk-rails has SQS's limit only";
}

TEST_F(RailsClient, FifoGroupsByJobClassAndDeduplicatesByJobId) {
  auto sent_job = client(MessageFormat::active_elastic_job, "jobs.fifo").enqueue("ReportJob", "[]");
  ASSERT_TRUE(sent_job) << sent_job.error().describe();
  const auto request = sent();
  EXPECT_STREQ(request["MessageGroupId"].GetString(), "ReportJob");
  EXPECT_EQ(request["MessageDeduplicationId"].GetString(), sent_job->job_id);
}

TEST_F(RailsClient, TheBuildersFormsPassAndCollidingKeysAreRefused) {
  using namespace std::chrono;
  auto c = client(MessageFormat::active_elastic_job);
  const std::string args = "[" + active_job::symbol("full") + "," +
                           active_job::time(sys_days(year{2026} / 11 / 23) + hours(10) + nanoseconds(5)) + "," +
                           active_job::date(year{2026} / 1 / 2) + "," + active_job::duration(minutes(5)) + "," +
                           active_job::global_id("gid://shop/User/42") + "," +
                           active_job::symbol_keys(R"({"a":1})").value() + "," +
                           active_job::keywords(R"({"force":true})").value() + "]";
  ASSERT_TRUE(c.enqueue("ReportJob", args));
  auto envelope = parse_active_job(sent()["MessageBody"].GetString(), MessageFormat::active_elastic_job);
  ASSERT_TRUE(envelope);
  EXPECT_EQ(envelope->arguments_json(),
            R"(["full","2026-11-23T10:00:00.000000005Z","2026-01-02",300,"gid://shop/User/42",{"a":1},{"force":true}])");
  EXPECT_NE(args.find(R"({"a":1,"_aj_symbol_keys":["a"]})"), std::string::npos) << args;
  EXPECT_NE(args.find(R"("parts":[[{"_aj_serialized":"ActiveJob::Serializers::SymbolSerializer","value":"seconds"},300]])"),
            std::string::npos)
      << args;

  for (const std::string& colliding : {std::string(R"([{"_aj_globalid":"gid://a/B/1","extra":1}])"),
                                       std::string(R"([{"_aj_whatever":1}])"),
                                       std::string(R"([{"a":1,"_aj_symbol_keys":["b"]}])"),
                                       std::string(R"([[{"_aj_hash_with_indifferent_access":false}]])")}) {
    auto refused = c.enqueue("ReportJob", colliding);
    ASSERT_FALSE(refused) << colliding;
    EXPECT_NE(refused.error().describe().find("arguments:"), std::string::npos) << refused.error().describe();
  }
  EXPECT_FALSE(active_job::symbol_keys("[1]"));
}

TEST_F(RailsClient, ASecretARailsAppCannotHoldIsRefused) {
  for (const std::string& secret : {std::string(40, 'k') + "\n", " " + std::string(40, 'k'),
                                    std::string(40, 'k') + "\xff"}) {
    auto config = testing::client_config_for(server);
    config.message_format = MessageFormat::active_elastic_job;
    config.secret = secret;
    EXPECT_FALSE(Client::create(config)) << secret;
    config.message_format = MessageFormat::ebworker;
    EXPECT_TRUE(Client::create(config)) << "ebworker's own format takes any bytes";
  }
}

}  // namespace
}  // namespace ebworker
