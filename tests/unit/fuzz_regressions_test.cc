// Bugs the libFuzzer harnesses (tests/fuzz) found, one test each, named after the harness that
// found it. Each failed before its fix.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

#include "aws/credentials_json.h"
#include "core/iso_time.h"
#include "core/json.h"
#include "dlq/dead_letter_summary.h"
#include "envelope/envelope.h"
#include "http/ip_range.h"

namespace ebworker {
namespace {

using namespace std::string_literals;

// fuzz_iso_time: the validator took dates the calendar does not have (30 February, 31 April),
// so an envelope could carry an enqueued_at that names no instant, which the parser refused.
TEST(FuzzRegressions, IsoValidatorRefusesDatesThatDoNotExist) {
  for (const char* text : {"2026-02-30T00:00:00Z", "2026-02-29T10:00:00Z", "2026-04-31T00:00:00.5Z",
                           "1900-02-29T00:00:00Z", "2026-11-31T23:59:59Z"}) {
    EXPECT_FALSE(is_iso8601_utc(text)) << text;
    EXPECT_FALSE(parse_iso8601_utc(text).has_value()) << text;
  }
  for (const char* text : {"2024-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2026-04-30T00:00:00Z",
                           "2026-12-31T23:59:60Z"}) {
    EXPECT_TRUE(is_iso8601_utc(text)) << text;
    EXPECT_TRUE(parse_iso8601_utc(text).has_value()) << text;
  }
}

TEST(FuzzRegressions, EnvelopeRefusesAnEnqueuedAtThatDoesNotExist) {
  const std::string body =
      R"({"job_class":"EchoJob","job_id":"0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10","queue_name":"default",)"
      R"("arguments":[],"executions":0,"enqueued_at":"2026-02-30T10:31:40Z"})";
  auto e = Envelope::parse(body);
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("enqueued_at"), std::string::npos) << e.error().message;
}

// fuzz_credentials_json: an Expiration outside what std::chrono::system_clock can hold (it counts
// nanoseconds in 64 bits: 1677 to 2262) overflowed a signed integer when stored (undefined
// behaviour; UBSan aborts). Such a time is refused now.
TEST(FuzzRegressions, CredentialsExpirationOutsideTheClockIsRefused) {
  for (const char* when : {"0000-01-01T00:00:00Z", "1200-06-01T00:00:00Z", "2263-01-01T00:00:00Z",
                           "9999-12-31T23:59:59Z"}) {
    const std::string body = R"({"AccessKeyId":"A","SecretAccessKey":"s","Expiration":")"s + when + R"("})";
    auto got = parse_credentials_json(body);
    ASSERT_FALSE(got.has_value()) << when;
    EXPECT_NE(got.error().message.find("Expiration"), std::string::npos) << got.error().message;
  }
  auto far = parse_credentials_json(R"({"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"2200-01-01T00:00:00Z"})");
  ASSERT_TRUE(far.has_value()) << far.error().message;
  ASSERT_TRUE(far->expiration.has_value());
  EXPECT_EQ(iso8601_utc(*far->expiration), "2200-01-01T00:00:00.000Z");
}

// fuzz_ip_range: parse_ip handed the text to inet_pton as a C string, so everything after a NUL
// byte was ignored and "127.0.0.1\0junk" was taken for loopback.
TEST(FuzzRegressions, AddressWithANulByteIsNotAnAddress) {
  EXPECT_FALSE(parse_ip("127.0.0.1\0junk"s).has_value());
  EXPECT_FALSE(parse_ip("::1\0"s).has_value());
  EXPECT_FALSE(IpRange::parse("10.0.0.0\0/8"s).has_value());
  EXPECT_FALSE(IpRange::parse_list("172.17.0.1,10.0.0.1\0x"s).has_value());
  EXPECT_TRUE(parse_ip("127.0.0.1").has_value());
}

// fuzz_envelope: rapidjson's default number parsing is fast but not exact, so a job argument
// such as -23.50e31 became a double one unit in the last place away from the one the text names
// (and from what strtod gives); writing the envelope back and parsing it again changed it once
// more. Numbers are now parsed to the nearest double.
TEST(FuzzRegressions, EnvelopeNumbersAreTheNearestDoubleAndSurviveARoundTrip) {
  const char* const numbers[] = {"-23.50e31", "123456789012345678901234567890", "2.2250738585072011e-308",
                                 "0.1", "1.7976931348623157e308"};
  std::string arguments = "[";
  for (const char* n : numbers) arguments += std::string(arguments.size() > 1 ? "," : "") + n;
  arguments += "]";
  const std::string body =
      R"({"job_class":"EchoJob","job_id":"0b6c6d2e-2f0a-4f6e-9d0c-2d7f3c1b9a10","queue_name":"default",)"
      R"("arguments":)" + arguments + R"(,"executions":0,"enqueued_at":"2026-11-23T10:31:40Z"})";
  auto e = Envelope::parse(body);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  ASSERT_EQ(e->arguments.Size(), std::size(numbers));
  for (rapidjson::SizeType i = 0; i < e->arguments.Size(); ++i)
    EXPECT_EQ(e->arguments[i].GetDouble(), std::strtod(numbers[i], nullptr)) << numbers[i];
  auto again = Envelope::parse(e->to_json());
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->arguments, e->arguments) << e->arguments_json() << " became " << again->arguments_json();
}

// fuzz_sqs_answers and fuzz_credentials_json, on the first try at the fix above (rapidjson's
// full-precision mode): that parser passes 0 to __builtin_clzll for a zero with a large negative
// exponent (undefined behaviour) and answers garbage: "0e-211" read as 9e192. Zeros stay zeros,
// and numbers keep the types the fast parser gave them.
TEST(FuzzRegressions, JsonZerosWithExponentsAndNumberTypes) {
  auto doc = parse_json("[0e-211, -0e-300, 0.000e-300, 1e-400, -1e-400, 2e-324, 4.9e-324, 0, -0, 5, -5, "
                        "4294967296, -2147483649, 18446744073709551615, 18446744073709551616, 1.0, 1e2]");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  const rapidjson::Value& a = *doc;
  for (rapidjson::SizeType i = 0; i < 6; ++i) {
    ASSERT_TRUE(a[i].IsDouble()) << i;
    EXPECT_EQ(a[i].GetDouble(), 0.0) << i;
  }
  EXPECT_TRUE(std::signbit(a[1].GetDouble()));
  EXPECT_TRUE(std::signbit(a[4].GetDouble()));
  EXPECT_EQ(a[6].GetDouble(), 4.9406564584124654e-324);
  EXPECT_TRUE(a[7].IsInt() && a[7].IsUint() && a[7].GetInt() == 0);
  EXPECT_TRUE(a[8].IsInt() && a[8].GetInt() == 0);
  EXPECT_TRUE(a[9].IsInt() && a[9].IsUint() && a[9].IsInt64() && a[9].IsUint64() && a[9].GetInt() == 5);
  EXPECT_TRUE(a[10].IsInt() && !a[10].IsUint() && a[10].GetInt() == -5);
  EXPECT_TRUE(!a[11].IsUint() && a[11].IsInt64() && a[11].GetInt64() == 4294967296);
  EXPECT_TRUE(!a[12].IsInt() && a[12].IsInt64() && a[12].GetInt64() == -2147483649);
  EXPECT_TRUE(a[13].IsUint64() && !a[13].IsInt64() && a[13].GetUint64() == 18446744073709551615u);
  EXPECT_TRUE(a[14].IsDouble() && a[14].GetDouble() == 18446744073709551616.0);
  EXPECT_TRUE(a[15].IsDouble() && a[15].GetDouble() == 1.0);
  EXPECT_TRUE(a[16].IsDouble() && a[16].GetDouble() == 100.0);

  auto too_big = parse_json("[1e400]");
  ASSERT_FALSE(too_big.has_value());
  EXPECT_NE(too_big.error().message.find("too big"), std::string::npos) << too_big.error().message;
  EXPECT_FALSE(parse_json("[01]").has_value());
  EXPECT_FALSE(parse_json("[1.]").has_value());
  EXPECT_FALSE(parse_json("[-]").has_value());
}

// fuzz_dead_letter_summary: an SQS timestamp past 2262 (SentTimestamp "9767225700456", in
// milliseconds) overflowed system_clock's nanoseconds when `dlq ls` wrote it as a time (undefined
// behaviour). A timestamp outside the years an ISO time may name is no time now: ls prints "-".
TEST(FuzzRegressions, DeadLetterTimestampPastTheClockIsNoTime) {
  EXPECT_EQ(iso_of_epoch_millis("9767225700456"), "");
  EXPECT_EQ(iso_of_epoch_millis("9223372036854775807"), "");
  EXPECT_EQ(iso_of_epoch_millis("9214646399999"), "2261-12-31T23:59:59.999Z");
  EXPECT_EQ(iso_of_epoch_millis("1767225600123"), "2026-01-01T00:00:00.123Z");
}

}  // namespace
}  // namespace ebworker
