// Text from outside made valid UTF-8 (each stray byte as U+FFFD) and bounded where it is quoted,
// and JSON written from it always valid UTF-8 (write_json_string), so that neither a label, an
// EMF record nor a log line can be broken by bytes a client sent.

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "core/json.h"
#include "core/text.h"

namespace ebworker {
namespace {

using namespace std::string_literals;

const std::string kReplacement = "\xEF\xBF\xBD";
const std::string kEllipsis = "\xE2\x80\xA6";

TEST(Utf8Repair, ValidTextIsLeftAsItIs) {
  for (const std::string& good : {""s, "EchoJob"s, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"s, "nul\0in"s}) {
    EXPECT_TRUE(is_valid_utf8(good)) << good;
    EXPECT_EQ(repair_utf8(good), good);
  }
}

TEST(Utf8Repair, EachStrayByteBecomesOneReplacementCharacter) {
  EXPECT_FALSE(is_valid_utf8("x\xff\xfe"s));
  EXPECT_EQ(repair_utf8("x\xff\xfe"s), "x" + kReplacement + kReplacement);
  EXPECT_EQ(repair_utf8("\xC0\xAF"s), kReplacement + kReplacement);                // overlong '/'
  EXPECT_EQ(repair_utf8("\xED\xA0\x80"s), kReplacement + kReplacement + kReplacement);  // a surrogate
  EXPECT_EQ(repair_utf8("cut \xE2\x82"s), "cut " + kReplacement + kReplacement);
  EXPECT_EQ(repair_utf8("\x80\xC3\xA9"s), kReplacement + "\xC3\xA9");  // a valid character after
}

TEST(Utf8Repair, WhateverTheBytesTheResultIsValid) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  EXPECT_TRUE(is_valid_utf8(repair_utf8(every_byte + every_byte)));
}

TEST(BoundedUtf8, ShortTextIsKeptWholeAndLongTextCutWithAnEllipsis) {
  EXPECT_EQ(bounded_utf8("EchoJob", 200), "EchoJob");
  EXPECT_EQ(bounded_utf8(std::string(200, 'a'), 200), std::string(200, 'a'));
  EXPECT_EQ(bounded_utf8(std::string(201, 'a'), 200), std::string(200, 'a') + kEllipsis);
  EXPECT_EQ(bounded_utf8(std::string(1 << 20, 'a'), 200), std::string(200, 'a') + kEllipsis);
}

TEST(BoundedUtf8, CutsBetweenCharactersAndRepairsWhatItKeeps) {
  // "é" is two bytes: with room for 3 bytes, one "é" fits and the second does not.
  EXPECT_EQ(bounded_utf8("\xC3\xA9\xC3\xA9"s, 3), "\xC3\xA9" + kEllipsis);
  EXPECT_EQ(bounded_utf8("x\xff\xfe"s, 200), "x" + kReplacement + kReplacement);
  EXPECT_EQ(bounded_utf8("x\xff\xfe"s, 4), "x" + kReplacement + kEllipsis);
  EXPECT_TRUE(is_valid_utf8(bounded_utf8(std::string(1000, '\xff'), 200)));
}

TEST(BoundedText, CutsLongTextBetweenCharactersKeepingItsBytes) {
  EXPECT_EQ(bounded_text("x\xff\xfe"s, 200), "x\xff\xfe"s);  // kept for the log to escape
  EXPECT_EQ(bounded_text(std::string(1 << 20, 'a'), 200), std::string(200, 'a') + kEllipsis);
  EXPECT_EQ(bounded_text("\xC3\xA9\xC3\xA9"s, 3), "\xC3\xA9" + kEllipsis);  // not inside the second
  EXPECT_EQ(bounded_text("ab\x80\x80\x80\x80"s, 4), "ab\x80\x80" + kEllipsis);  // stray bytes cut where asked
}

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  write_json_string(writer, text);
  return std::string(buffer.GetString(), buffer.GetSize());
}

TEST(WriteJsonString, AlwaysWritesValidUtf8Json) {
  EXPECT_EQ(json_string("caf\xC3\xA9 \"q\"\n"), "\"caf\xC3\xA9 \\\"q\\\"\\n\"");
  const std::string repaired = json_string("x\xff\xfe"s);
  EXPECT_EQ(repaired, "\"x" + kReplacement + kReplacement + "\"");
  const auto parsed = parse_json(repaired);  // validates the encoding
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(std::string(parsed->GetString()), "x" + kReplacement + kReplacement);
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  EXPECT_TRUE(parse_json(json_string(every_byte))) << "not a valid JSON string";
}

}  // namespace
}  // namespace ebworker
