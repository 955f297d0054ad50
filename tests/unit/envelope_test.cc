// The job envelope: what make() builds survives to_json() and parse(); anything else is refused
// with a reason that names what is wrong.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/iso_time.h"
#include "envelope/envelope.h"
#include "envelope/uuid.h"

namespace ebworker {
namespace {

constexpr const char* kJobId = "123e4567-e89b-42d3-a456-426614174000";

// A valid envelope's fields as JSON text, in order; tests replace or drop one at a time.
std::vector<std::pair<std::string, std::string>> valid_fields() {
  return {
      {"job_class", R"("EchoJob")"},
      {"job_id", std::string("\"") + kJobId + "\""},
      {"queue_name", R"("default")"},
      {"arguments", R"([1,"two"])"},
      {"executions", "0"},
      {"enqueued_at", R"("2026-11-23T10:31:40.123Z")"},
  };
}

// The valid envelope with `field` set to `json`, or removed when `json` is nullopt.
std::string body_with(const std::string& field, std::optional<std::string> json) {
  std::string out = "{";
  bool first = true;
  for (auto [name, value] : valid_fields()) {
    if (name == field) {
      if (!json) continue;
      value = *json;
    }
    if (!first) out += ",";
    first = false;
    out += "\"" + name + "\":" + value;
  }
  return out + "}";
}

std::string valid_body() { return body_with("", std::nullopt); }

// The reason parse() gives for `body`; fails the test when it is accepted.
std::string rejection(std::string_view body) {
  auto e = Envelope::parse(body);
  EXPECT_FALSE(e.has_value()) << "accepted: " << body;
  return e ? std::string() : e.error().message;
}

TEST(Envelope, ValidBodyParses) {
  auto e = Envelope::parse(valid_body());
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->job_class, "EchoJob");
  EXPECT_EQ(e->job_id, kJobId);
  EXPECT_EQ(e->queue_name, "default");
  EXPECT_EQ(e->executions, 0);
  EXPECT_EQ(e->enqueued_at, "2026-11-23T10:31:40.123Z");
  EXPECT_EQ(e->arguments_json(), R"([1,"two"])");
}

TEST(Envelope, MakeToJsonParseRoundTrip) {
  const std::string args = R"([1,"two",{"three":3.5,"nested":[null,true,false]},-7,"\u00e9\u0000x"])";
  auto made = Envelope::make("ResizeImageJob", args, "images");
  ASSERT_TRUE(made.has_value()) << made.error().message;
  made->executions = 3;

  auto parsed = Envelope::parse(made->to_json());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->job_class, "ResizeImageJob");
  EXPECT_EQ(parsed->job_id, made->job_id);
  EXPECT_EQ(parsed->queue_name, "images");
  EXPECT_EQ(parsed->executions, 3);
  EXPECT_EQ(parsed->enqueued_at, made->enqueued_at);
  EXPECT_TRUE(parsed->arguments == made->arguments);
  EXPECT_EQ(parsed->arguments_json(), made->arguments_json());
  ASSERT_TRUE(parsed->arguments.IsArray());
  ASSERT_EQ(parsed->arguments.Size(), 5u);
  EXPECT_EQ(parsed->arguments[2]["three"].GetDouble(), 3.5);
  EXPECT_EQ(std::string(parsed->arguments[4].GetString(), parsed->arguments[4].GetStringLength()),
            std::string("\xc3\xa9\0x", 4));
  EXPECT_EQ(parsed->to_json(), made->to_json());
}

TEST(Envelope, MakeFillsAFreshIdAndTime) {
  auto a = Envelope::make("EchoJob", "[]");
  auto b = Envelope::make("EchoJob", "[]");
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(is_uuid(a->job_id));
  EXPECT_NE(a->job_id, b->job_id);
  EXPECT_TRUE(is_iso8601_utc(a->enqueued_at)) << a->enqueued_at;
  EXPECT_EQ(a->queue_name, "default");
  EXPECT_EQ(a->executions, 0);
  EXPECT_EQ(a->arguments_json(), "[]");
}

TEST(Envelope, MakeRefusesArgumentsThatAreNotOneArray) {
  auto not_array = Envelope::make("EchoJob", R"({"a":1})");
  ASSERT_FALSE(not_array.has_value());
  EXPECT_EQ(not_array.error().message, "arguments must be a JSON array");

  auto invalid = Envelope::make("EchoJob", "[1,");
  ASSERT_FALSE(invalid.has_value());
  EXPECT_NE(invalid.error().message.find("invalid JSON"), std::string::npos);

  auto trailing = Envelope::make("EchoJob", "[1] [2]");
  ASSERT_FALSE(trailing.has_value());
  EXPECT_NE(trailing.error().message.find("invalid JSON"), std::string::npos);
}

TEST(Envelope, RootMustBeAnObject) {
  EXPECT_EQ(rejection("[]"), "the message body must be a JSON object");
  EXPECT_EQ(rejection(R"("x")"), "the message body must be a JSON object");
  EXPECT_EQ(rejection("42"), "the message body must be a JSON object");
  EXPECT_EQ(rejection("null"), "the message body must be a JSON object");
}

TEST(Envelope, InvalidJsonIsRefusedWithItsOffset) {
  const std::string reason = rejection(R"({"job_class": )");
  EXPECT_EQ(reason.rfind("invalid JSON at offset ", 0), 0u) << reason;
  EXPECT_EQ(rejection("").rfind("invalid JSON at offset 0: ", 0), 0u);
  EXPECT_EQ(rejection("{'a':1}").rfind("invalid JSON at offset 1: ", 0), 0u);
}

TEST(Envelope, TrailingGarbageIsRefused) {
  const std::string body = valid_body() + " x";
  const std::string reason = rejection(body);
  EXPECT_EQ(reason.rfind("invalid JSON at offset " + std::to_string(body.size() - 1) + ": ", 0), 0u)
      << reason;
  EXPECT_NE(reason.find("root must not be followed by other values"), std::string::npos) << reason;
  EXPECT_EQ(rejection(valid_body() + valid_body()).rfind("invalid JSON", 0), 0u);
}

TEST(Envelope, EachRequiredFieldMustBePresent) {
  for (const auto& [name, value] : valid_fields()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(rejection(body_with(name, std::nullopt)), "missing field \"" + name + "\"");
  }
}

TEST(Envelope, EachFieldMustHaveItsType) {
  for (const char* field : {"job_class", "job_id", "queue_name", "enqueued_at"}) {
    SCOPED_TRACE(field);
    const std::string expected = std::string("field \"") + field + "\" must be a string";
    EXPECT_EQ(rejection(body_with(field, "1")), expected);
    EXPECT_EQ(rejection(body_with(field, "null")), expected);
    EXPECT_EQ(rejection(body_with(field, R"(["x"])")), expected);
  }
  for (const char* args : {R"({"a":1})", R"("[]")", "null", "0"})
    EXPECT_EQ(rejection(body_with("arguments", args)), "field \"arguments\" must be an array");
  for (const char* executions : {R"("0")", "null", "true", "[0]"})
    EXPECT_EQ(rejection(body_with("executions", executions)),
              "field \"executions\" must be a non-negative integer");
}

TEST(Envelope, JobClassMustNotBeEmpty) {
  EXPECT_EQ(rejection(body_with("job_class", R"("")")), "field \"job_class\" is empty");
}

TEST(Envelope, JobIdMustBeAUuid) {
  for (const char* id : {R"("")", R"("not-a-uuid")", R"("123e4567e89b42d3a456426614174000")",
                         R"("123e4567-e89b-42d3-a456-42661417400")",
                         R"("123e4567-e89b-42d3-a456-4266141740000")",
                         R"("123e4567-e89b-42d3-a456_426614174000")",
                         R"("g23e4567-e89b-42d3-a456-426614174000")"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(rejection(body_with("job_id", id)), "field \"job_id\" is not a UUID");
  }
  // Either case is a UUID.
  EXPECT_TRUE(Envelope::parse(body_with("job_id", R"("123E4567-E89B-42D3-A456-426614174000")")));
}

TEST(Envelope, ExecutionsMustBeANonNegativeInteger) {
  const std::string reason = "field \"executions\" must be a non-negative integer";
  EXPECT_EQ(rejection(body_with("executions", "-1")), reason);
  EXPECT_EQ(rejection(body_with("executions", "1.5")), reason);
  EXPECT_EQ(rejection(body_with("executions", "1.0")), reason);
  EXPECT_EQ(rejection(body_with("executions", "1e2")), reason);
  EXPECT_EQ(rejection(body_with("executions", "18446744073709551615")), reason);

  // A retry counts executions up: at the type's limit it would overflow, so such a count is
  // refused as malformed, as anything over kMaxExecutions.
  EXPECT_EQ(rejection(body_with("executions", "9223372036854775807")), "field \"executions\" is over 1000000000");
  EXPECT_EQ(rejection(body_with("executions", "1000000001")), "field \"executions\" is over 1000000000");
  auto largest = Envelope::parse(body_with("executions", "1000000000"));
  ASSERT_TRUE(largest.has_value()) << largest.error().message;
  EXPECT_EQ(largest->executions, kMaxExecutions);
  auto five = Envelope::parse(body_with("executions", "5"));
  ASSERT_TRUE(five.has_value());
  EXPECT_EQ(five->executions, 5);
}

TEST(Envelope, EnqueuedAtMustBeIso8601Utc) {
  for (const char* t : {R"("")", R"("yesterday")", R"("2026-11-23 10:31:40Z")",
                        R"("2026-11-23T10:31:40")", R"("2026-11-23T10:31:40+00:00")",
                        R"("2026-13-23T10:31:40Z")"}) {
    SCOPED_TRACE(t);
    EXPECT_EQ(rejection(body_with("enqueued_at", t)),
              "field \"enqueued_at\" is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ) of the years 1678 to 2261");
  }
  EXPECT_TRUE(Envelope::parse(body_with("enqueued_at", R"("2023-08-15T13:57:53Z")")));
}

TEST(Envelope, InvalidUtf8IsRefused) {
  // A lone continuation byte, an overlong encoding and a truncated sequence, in a string.
  for (const std::string& bad : {std::string("\"\x80\""), std::string("\"\xc0\xaf\""),
                                std::string("\"\xe2\x82\""), std::string("[\"ok\", \"\xff\"]")}) {
    const std::string where = bad[0] == '[' ? "arguments" : "job_class";
    const std::string reason = rejection(body_with(where, bad));
    EXPECT_EQ(reason.rfind("invalid JSON at offset ", 0), 0u) << reason;
    EXPECT_NE(reason.find("Invalid encoding"), std::string::npos) << reason;
  }
}

TEST(Envelope, UnknownFieldsAreIgnored) {
  std::string body = valid_body();
  body.insert(1, R"("provider_job_id":"x","priority":null,"extra":{"deep":[1,2,3]},)");
  auto e = Envelope::parse(body);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->job_class, "EchoJob");
  EXPECT_EQ(e->to_json().find("provider_job_id"), std::string::npos);
}

TEST(Envelope, DeepUnclosedNestingIsAnErrorNotACrash) {
  // Refused before the parser runs, so it never builds 100000 levels.
  EXPECT_EQ(rejection(std::string(100000, '[')), "JSON nested deeper than 128 levels");
  EXPECT_EQ(rejection(std::string(100000, '{')), "JSON nested deeper than 128 levels");
  const std::string reason = rejection(std::string(100, '['));
  EXPECT_EQ(reason.rfind("invalid JSON at offset ", 0), 0u) << reason;
}

TEST(Envelope, DeepClosedNestingIsRefusedNotACrash) {
  // Valid JSON, and inside the 1 MiB body limit: copying it would recurse 500000 levels deep.
  constexpr size_t kLevels = 500000;
  const std::string nested = std::string(kLevels, '[') + std::string(kLevels, ']');
  EXPECT_EQ(rejection(body_with("arguments", nested)), "JSON nested deeper than 128 levels");
  EXPECT_EQ(rejection(std::string(kLevels, '[') + std::string(kLevels, ']')),
            "JSON nested deeper than 128 levels");
  auto made = Envelope::make("EchoJob", nested);
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().message, "JSON nested deeper than 128 levels");
}

TEST(Envelope, NestingUpToTheLimitIsAccepted) {
  // The root object is level 1 and "arguments" level 2, so 126 more arrays fit.
  const std::string fits = std::string(127, '[') + std::string(127, ']');
  auto e = Envelope::parse(body_with("arguments", fits));
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->arguments_json(), fits);

  const std::string too_deep = std::string(128, '[') + std::string(128, ']');
  EXPECT_EQ(rejection(body_with("arguments", too_deep)), "JSON nested deeper than 128 levels");
}

// A job due later than SQS can delay one message carries scheduled_at; the field is optional.
TEST(EnvelopeScheduledAt, RoundTripsAndIsCheckedWhenPresent) {
  auto e = Envelope::make("EchoJob", "[]");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->to_json().find("scheduled_at"), std::string::npos);
  e->scheduled_at = std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000));
  const std::string json = e->to_json();
  EXPECT_NE(json.find(R"("scheduled_at":"2027-01-15T08:00:00.000Z")"), std::string::npos) << json;
  auto back = Envelope::parse(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->scheduled_at, e->scheduled_at);

  std::string bad = json;
  bad.replace(bad.find("\"2027-01-15T08:00:00.000Z\""), 26, "12");
  auto refused = Envelope::parse(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "field \"scheduled_at\" is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ) of the years 1678 to 2261");
}

// A time past what system_clock holds (2262-04-11T23:47:16Z) overflowed its conversion: logged
// as "not due until 1816-…", re-sent, then refused forever. Refused at once now, as malformed.
TEST(EnvelopeScheduledAt, TimesPastTheClocksRangeAreRefused) {
  const std::string reason =
      "field \"scheduled_at\" is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ) of the years 1678 to 2261";
  for (const char* at : {R"("2262-04-11T23:47:17Z")", R"("2262-01-01T00:00:00Z")", R"("9999-12-31T23:59:59Z")",
                         R"("1677-09-21T00:12:43Z")", R"("0000-01-01T00:00:00Z")"}) {
    SCOPED_TRACE(at);
    std::string body = body_with("executions", "0");
    body.insert(body.size() - 1, std::string(R"(,"scheduled_at":)") + at);
    EXPECT_EQ(rejection(body), reason);
  }
  std::string latest = body_with("executions", "0");
  latest.insert(latest.size() - 1, R"(,"scheduled_at":"2261-12-31T23:59:59Z")");
  auto e = Envelope::parse(latest);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(Envelope::parse(e->to_json())->scheduled_at, e->scheduled_at);
  EXPECT_NE(e->to_json().find(R"("scheduled_at":"2261-12-31T23:59:59.000Z")"), std::string::npos) << e->to_json();
}

// A unique job's key and window travel in the envelope (signed with it), and are checked.
TEST(EnvelopeUnique, RoundTripsAndIsCheckedWhenPresent) {
  auto e = Envelope::make("EchoJob", "[]");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->to_json().find("unique"), std::string::npos);
  e->unique_key = "import-42";
  e->unique_for = 3600;
  const std::string json = e->to_json();
  EXPECT_NE(json.find(R"("unique":{"key":"import-42","for":3600})"), std::string::npos) << json;
  auto back = Envelope::parse(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->unique_key, "import-42");
  EXPECT_EQ(back->unique_for, 3600);
  for (const char* bad : {R"("unique":{"key":"","for":3600})", R"("unique":{"key":"k","for":0})",
                          R"("unique":{"key":"k","for":31622401})", R"("unique":{"key":1,"for":60})",
                          R"("unique":{"for":60})", R"("unique":"k")"}) {
    SCOPED_TRACE(bad);
    std::string body = json;
    body.replace(body.find(R"("unique":{"key":"import-42","for":3600})"), 39, bad);
    auto refused = Envelope::parse(body);
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().message.starts_with("field \"unique\" must be")) << refused.error().message;
  }
}

// A debounced job's key and window travel as a unique job's do, under the same checks.
TEST(EnvelopeDebounce, RoundTripsAndIsCheckedWhenPresent) {
  auto e = Envelope::make("EchoJob", "[]");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->to_json().find("debounce"), std::string::npos);
  e->debounce_key = "reindex-7";
  e->debounce_for = 30;
  const std::string json = e->to_json();
  const std::string field = R"("debounce":{"key":"reindex-7","for":30})";
  EXPECT_NE(json.find(field), std::string::npos) << json;
  auto back = Envelope::parse(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->debounce_key, "reindex-7");
  EXPECT_EQ(back->debounce_for, 30);
  EXPECT_TRUE(back->unique_key.empty());
  for (const char* bad : {R"("debounce":{"key":"","for":30})", R"("debounce":{"key":"k","for":0})",
                          R"("debounce":["k",30])"}) {
    SCOPED_TRACE(bad);
    std::string body = json;
    body.replace(body.find(field), field.size(), bad);
    auto refused = Envelope::parse(body);
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().message.starts_with("field \"debounce\" must be")) << refused.error().message;
  }
}

}  // namespace
}  // namespace ebworker
