// Text from outside printed on one line (a log line, a terminal's row): no control character gets
// through raw, and text with none comes back unchanged.

#include <gtest/gtest.h>

#include <string>

#include "core/text.h"

namespace ebworker {
namespace {

using namespace std::string_literals;

TEST(EscapeControlCharacters, LeavesPrintableTextAlone) {
  for (const std::string& plain : {""s, "EchoJob"s, "msgid=a status=200 path=/x?y=1"s, "back\\slash \\n"s,
                                  "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xC2\xA0nbsp"s})
    EXPECT_EQ(escape_control_characters(plain), plain);
}

TEST(EscapeControlCharacters, LineBreaksAndTabsAsInC) {
  EXPECT_EQ(escape_control_characters("a\nFORGED status=200\r\n\tx"), "a\\nFORGED status=200\\r\\n\\tx");
}

TEST(EscapeControlCharacters, OtherC0ControlsAndDelAsHex) {
  EXPECT_EQ(escape_control_characters("\x1b]0;title\x07\x1b[2J"s), "\\x1b]0;title\\x07\\x1b[2J");
  EXPECT_EQ(escape_control_characters("nul\0end"s), "nul\\x00end");
  EXPECT_EQ(escape_control_characters("\x7f\x01\x1f"s), "\\x7f\\x01\\x1f");
}

TEST(EscapeControlCharacters, C1ControlsInUtf8AndRawAsHex) {
  // U+009B (CSI) in UTF-8, then the same byte alone (not UTF-8), then U+00A0 (printable).
  EXPECT_EQ(escape_control_characters("\xC2\x9B" "2J|\x9B" "2J|\xC2\xA0"s), "\\xc2\\x9b2J|\\x9b2J|\xC2\xA0");
  EXPECT_EQ(escape_control_characters("\xC2\x80\xC2\x9F"s), "\\xc2\\x80\\xc2\\x9f");
}

TEST(EscapeControlCharacters, BytesThatAreNotUtf8AsHex) {
  EXPECT_EQ(escape_control_characters("x\xff\xfe"s), "x\\xff\\xfe");
  EXPECT_EQ(escape_control_characters("\xED\xA0\x80"s), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(escape_control_characters("\xC0\xAF"s), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(escape_control_characters("cut \xE2\x82"s), "cut \\xe2\\x82");
}

TEST(EscapeControlCharacters, NothingRawLeftWhateverTheBytes) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  const std::string out = escape_control_characters(every_byte);
  for (std::size_t i = 0; i < out.size();) {
    const auto c = static_cast<unsigned char>(out[i]);
    ASSERT_TRUE(c >= 0x20 && c != 0x7F) << "raw byte " << int(c) << " at " << i;
    const std::size_t n = utf8_sequence_length(std::string_view(out).substr(i));
    ASSERT_GE(n, 1u) << "not UTF-8 at " << i;
    i += n;
  }
}

TEST(Utf8SequenceLength, ValidAndInvalidLeads) {
  EXPECT_EQ(utf8_sequence_length(""), 0u);
  EXPECT_EQ(utf8_sequence_length("a"), 1u);
  EXPECT_EQ(utf8_sequence_length("\xC3\xA9"), 2u);
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC"), 3u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(utf8_sequence_length("\x80"), 0u);
  EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xE2\x82"), 0u);
}

}  // namespace
}  // namespace ebworker
