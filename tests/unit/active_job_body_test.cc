// ActiveJob's messages as Rails writes them (Rails 5.2 through 8.1): the published digest
// vectors, the body shapes of each version, the _aj_* argument forms decoded to plain JSON, the
// unknown serializer told apart, and a hop's body written back in the same shape.

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "core/iso_time.h"
#include "core/json.h"
#include "envelope/active_job_body.h"
#include "envelope/signer.h"

namespace ebworker {
namespace {

std::string repeated(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

const std::string kVectorSecret = repeated("0123456789abcdef", 8);

// The vectors of docs/rails.md, byte for byte.
const std::string kV2 =
    R"({"job_class":"ResizeImageJob","job_id":"0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10","provider_job_id":null,)"
    R"("queue_name":"default","priority":null,"arguments":["hello",42],"executions":0,"exception_executions":{},)"
    R"("locale":"en","timezone":"UTC","enqueued_at":"2026-11-23T10:31:40.123456789Z","scheduled_at":null})";
const std::string kV4 =
    R"({"job_class":"ResizeImageJob","job_id":"0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10","provider_job_id":null,)"
    R"("queue_name":"default","priority":null,"arguments":["hello",42],"executions":0,"locale":"en"})";
const std::string kV5 =
    R"({"job_class":"Admin::SyncJob","job_id":"7d3f2b9e-8c41-4a57-b1e2-5f0a9c6d4e21","provider_job_id":null,)"
    R"("queue_name":"default","priority":null,"arguments":[{"_aj_globalid":"gid://my-app/User/42"},)"
    R"({"_aj_serialized":"ActiveJob::Serializers::SymbolSerializer","value":"full"},)"
    "{\"note\":\"<caf\xc3\xa9>\",\"force\":true,\"_aj_ruby2_keywords\":[\"note\",\"force\"]}],"
    R"("executions":1,"exception_executions":{"[Net::ReadTimeout]":1},"locale":"en","timezone":"UTC",)"
    R"("enqueued_at":"2026-11-23T10:31:40.000000001Z","scheduled_at":null})";

std::string body_json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

std::string decoded_arguments(const std::string& body) {
  auto e = parse_active_job(body, MessageFormat::active_elastic_job);
  EXPECT_TRUE(e) << (e ? "" : e.error().message);
  return e ? e->arguments_json() : "";
}

// A body of Rails 7.1's shape around `arguments`.
std::string with_arguments(const std::string& arguments) {
  return R"({"job_class":"EchoJob","job_id":"j-1","queue_name":"default","arguments":)" + arguments +
         R"(,"executions":0})";
}

TEST(AejDigest, MatchesThePublishedVectors) {
  EXPECT_EQ(hmac_hex(HmacDigest::sha1, "s3krit", "this is a message"), "f2eb70d1447ed896120985d6df4215df015383e0");
  EXPECT_EQ(hmac_hex(HmacDigest::sha256, "s3krit", "this is a message"),
            "76928eb14dc7796db93d82b544d80fa2028fccf0e339acf343c7451568de19c4");
  EXPECT_EQ(hmac_hex(HmacDigest::sha1, kVectorSecret, kV2), "209f5ec7a6dfc028db23870c9a7f18005b62ce8d");
  EXPECT_EQ(hmac_hex(HmacDigest::sha256, kVectorSecret, kV2),
            "5ee6e41f2eb8e624597a081b51e1d76de24214c1add9e4c4fee6f8eca29b465b");
  EXPECT_EQ(hmac_hex(HmacDigest::sha1, kVectorSecret, kV4), "e7c26e06ddb0970634ab77b609a656547c5bbde0");
  EXPECT_EQ(hmac_hex(HmacDigest::sha256, kVectorSecret, kV4),
            "f117423d1fe399a7486dc12366584498a73352fbfaf03fc726d6b3f79c90ccea");
  EXPECT_EQ(hmac_hex(HmacDigest::sha1, kVectorSecret, kV5), "3f84aa9a23c434eb13ff1d274dfb374bad181592");
  EXPECT_EQ(hmac_hex(HmacDigest::sha256, kVectorSecret, kV5),
            "3ae12eae737931785f409b28174549c34a9a7cfc5cbc21f0f3f0aa505f8b713e");
}

TEST(AejDigest, SignerVerifiesSha1UnderTheCurrentAndPreviousSecret) {
  const std::string old_secret = repeated("fedcba9876543210", 8);
  auto signer = Signer::create(HmacDigest::sha1, {.current = old_secret + "x", .previous = {kVectorSecret}});
  ASSERT_TRUE(signer);
  EXPECT_TRUE(signer->verify(kV2, "209f5ec7a6dfc028db23870c9a7f18005b62ce8d")) << "a previous secret verifies";
  EXPECT_FALSE(signer->verify(kV2, "209F5EC7A6DFC028DB23870C9A7F18005B62CE8D")) << "lowercase hex only";
  EXPECT_FALSE(signer->verify(kV2, "5ee6e41f2eb8e624597a081b51e1d76de24214c1add9e4c4fee6f8eca29b465b"))
      << "a SHA-256 digest is not a SHA-1 one";
  EXPECT_FALSE(signer->verify(kV2 + " ", "209f5ec7a6dfc028db23870c9a7f18005b62ce8d")) << "exact bytes";
  EXPECT_EQ(signer->sign(kV2).size(), 40u);
}

TEST(ActiveJobBody, ParsesRails71Shape) {
  auto e = parse_active_job(kV2, MessageFormat::active_elastic_job);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->job_class, "ResizeImageJob");
  EXPECT_EQ(e->job_id, "0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10");
  EXPECT_EQ(e->queue_name, "default");
  EXPECT_EQ(e->executions, 0);
  EXPECT_EQ(e->enqueued_at, "2026-11-23T10:31:40.123456789Z");
  EXPECT_FALSE(e->scheduled_at);
  EXPECT_EQ(e->format, MessageFormat::active_elastic_job);
  EXPECT_EQ(e->arguments_json(), R"(["hello",42])");
}

TEST(ActiveJobBody, ParsesRails52ShapeWithoutTimes) {
  auto e = parse_active_job(kV4, MessageFormat::active_elastic_job);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->enqueued_at, "");
  EXPECT_EQ(e->arguments_json(), R"(["hello",42])");
}

TEST(ActiveJobBody, ParsesRails50ShapeWithoutExecutions) {
  auto e = parse_active_job(
      R"({"job_class":"OldJob","job_id":"a","queue_name":"default","priority":null,"arguments":[],"locale":"en"})",
      MessageFormat::active_job);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->executions, 0);
}

TEST(ActiveJobBody, ParsesRails60ShapeWithSecondsOnly) {
  auto e = parse_active_job(
      R"({"job_class":"A::B::CJob","job_id":"a","provider_job_id":null,"queue_name":"low","priority":10,)"
      R"("arguments":[1],"executions":2,"exception_executions":{},"locale":"de","timezone":"Berlin",)"
      R"("enqueued_at":"2026-11-23T10:31:40Z"})",
      MessageFormat::active_elastic_job);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->job_class, "A::B::CJob");
  EXPECT_EQ(e->executions, 2);
  EXPECT_EQ(e->queue_name, "low");
}

TEST(ActiveJobBody, ParsesRails81ContinuationAndScheduledAt) {
  auto e = parse_active_job(
      R"({"job_class":"ImportJob","job_id":"a","provider_job_id":"p","queue_name":"default","priority":null,)"
      R"("arguments":[],"executions":0,"exception_executions":{},"locale":"en","timezone":"UTC",)"
      R"("enqueued_at":"2026-11-23T10:31:40.123456789Z","scheduled_at":"2026-11-23T12:00:00.5Z",)"
      R"("continuation":{"completed":["step1"],"current":["step2",5]},"resumptions":1})",
      MessageFormat::active_job);
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_TRUE(e->scheduled_at);
  EXPECT_EQ(iso8601_utc_seconds(*e->scheduled_at), "2026-11-23T12:00:00Z");
}

TEST(ActiveJobBody, RefusesWhatIsNotAnActiveJobBody) {
  for (const std::string& body : {
           std::string(R"([])"),
           std::string(R"({"job_id":"a","arguments":[]})"),
           std::string(R"({"job_class":"","job_id":"a","arguments":[]})"),
           std::string(R"({"job_class":"A","arguments":[]})"),
           std::string(R"({"job_class":"A","job_id":"a"})"),
           std::string(R"({"job_class":"A","job_id":"a","arguments":{}})"),
           std::string(R"({"job_class":"A","job_id":"a","arguments":[],"executions":-1})"),
           std::string(R"({"job_class":"A","job_id":"a","arguments":[],"enqueued_at":"yesterday"})"),
           std::string(R"({"job_class":"A","job_id":"a","arguments":[],"scheduled_at":1764000000})"),
           std::string(R"({"job_class":"A","job_id":"a","arguments":[{"_aj_globalid":5}]})"),
       }) {
    auto e = parse_active_job(body, MessageFormat::active_job);
    ASSERT_FALSE(e) << body;
    EXPECT_FALSE(e.error().unknown_serializer) << body;
  }
}

TEST(ActiveJobArguments, MarkersAreRemovedAndFormsDecoded) {
  EXPECT_EQ(decoded_arguments(kV5), "[\"gid://my-app/User/42\",\"full\",{\"note\":\"<caf\xc3\xa9>\",\"force\":true}]");
  EXPECT_EQ(decoded_arguments(with_arguments(
                R"([{"a":1,"b":{"c":[1,null,true,"s",2.5],"_aj_symbol_keys":["c"]},"_aj_symbol_keys":["a"]},)"
                R"({"a":1,"_aj_hash_with_indifferent_access":true},{"plain":"hash"}])")),
            R"([{"a":1,"b":{"c":[1,null,true,"s",2.5]}},{"a":1},{"plain":"hash"}])");
}

TEST(ActiveJobArguments, SerializedTypesBecomeTheirPlainForm) {
  const std::string s = "ActiveJob::Serializers::";
  EXPECT_EQ(decoded_arguments(with_arguments(
                "[{\"_aj_serialized\":\"" + s + "TimeSerializer\",\"value\":\"2026-11-23T10:31:40.123456000Z\"}," +
                "{\"_aj_serialized\":\"" + s + "DateTimeSerializer\",\"value\":\"2026-01-02T03:04:05.000000000+00:00\"}," +
                "{\"_aj_serialized\":\"" + s +
                "TimeWithZoneSerializer\",\"value\":\"2026-01-01T09:00:00.000000000+09:00\",\"time_zone\":\"Tokyo\"}," +
                "{\"_aj_serialized\":\"" + s + "DateSerializer\",\"value\":\"2026-11-23\"}," +
                "{\"_aj_serialized\":\"" + s + "DurationSerializer\",\"value\":300,\"parts\":[[{\"_aj_serialized\":\"" +
                s + "SymbolSerializer\",\"value\":\"minutes\"},5]]}," +
                "{\"_aj_serialized\":\"" + s + "BigDecimalSerializer\",\"value\":\"1.5\"}," +
                "{\"_aj_serialized\":\"" + s + "ModuleSerializer\",\"value\":\"Admin::Report\"}," +
                "{\"_aj_serialized\":\"" + s + "RangeSerializer\",\"begin\":1,\"end\":{\"_aj_serialized\":\"" + s +
                "SymbolSerializer\",\"value\":\"z\"},\"exclude_end\":true}]")),
            R"(["2026-11-23T10:31:40.123456000Z","2026-01-02T03:04:05.000000000+00:00",)"
            R"("2026-01-01T09:00:00.000000000+09:00","2026-11-23",300,"1.5","Admin::Report",)"
            R"({"begin":1,"end":"z","exclude_end":true}])");
}

TEST(ActiveJobArguments, TheOriginalFormStaysInTheBody) {
  auto e = parse_active_job(kV5, MessageFormat::active_elastic_job);
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->active_job_body);
  EXPECT_EQ(body_json_text((*e->active_job_body)["arguments"]),
            "[{\"_aj_globalid\":\"gid://my-app/User/42\"},{\"_aj_serialized\":\"ActiveJob::Serializers::"
            "SymbolSerializer\",\"value\":\"full\"},{\"note\":\"<caf\xc3\xa9>\",\"force\":true,"
            "\"_aj_ruby2_keywords\":[\"note\",\"force\"]}]");
}

TEST(ActiveJobArguments, AnAppsOwnSerializerIsAnUnknownSerializer) {
  auto e = parse_active_job(
      with_arguments(R"([[{"_aj_serialized":"MoneySerializer","cents":100}]])"), MessageFormat::active_elastic_job);
  ASSERT_FALSE(e);
  EXPECT_TRUE(e.error().unknown_serializer);
  EXPECT_NE(e.error().message.find("MoneySerializer"), std::string::npos) << e.error().message;
  auto lookalike = parse_active_job(
      with_arguments(R"([{"_aj_serialized":"ActiveJob::Serializers::ObjectSerializer","value":"x"}])"),
      MessageFormat::active_job);
  ASSERT_FALSE(lookalike);
  EXPECT_TRUE(lookalike.error().unknown_serializer);
}

TEST(ActiveJobArguments, ASerializedFormWithoutItsValueIsMalformed) {
  auto e = parse_active_job(with_arguments(R"([{"_aj_serialized":"ActiveJob::Serializers::SymbolSerializer"}])"),
                            MessageFormat::active_job);
  ASSERT_FALSE(e);
  EXPECT_FALSE(e.error().unknown_serializer);
}

TEST(ActiveJobHop, TheReceivedBodyGoesOnWithOnlyExecutionsAndScheduledAtChanged) {
  auto e = parse_active_job(kV2, MessageFormat::active_elastic_job);
  ASSERT_TRUE(e);
  e->executions = 1;
  std::string expected = kV2;
  expected.replace(expected.find("\"executions\":0"), 14, "\"executions\":1");
  EXPECT_EQ(active_job_json(*e), expected);

  e->scheduled_at = std::chrono::sys_seconds(std::chrono::seconds(1795430000));
  auto again = parse_active_job(active_job_json(*e), MessageFormat::active_elastic_job);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->scheduled_at, e->scheduled_at);
  EXPECT_NE(active_job_json(*e).find("\"scheduled_at\":\"2026-11-23T"), std::string::npos) << active_job_json(*e);
}

TEST(ActiveJobHop, ARails52BodyGainsScheduledAtOnlyWhenDue) {
  auto e = parse_active_job(kV4, MessageFormat::active_elastic_job);
  ASSERT_TRUE(e);
  EXPECT_EQ(active_job_json(*e), kV4);
  e->scheduled_at = std::chrono::sys_seconds(std::chrono::seconds(1795430000));
  EXPECT_TRUE(active_job_json(*e).ends_with(R"("locale":"en","scheduled_at":"2026-11-23T10:33:20.000000000Z"})"))
      << active_job_json(*e);
}

}  // namespace
}  // namespace ebworker
