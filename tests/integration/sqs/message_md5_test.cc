// The MD5s SQS returns, computed locally: the published vectors in docs/wire-protocol.md, then
// non-ASCII names and values (expected digests computed independently, and "é" also as fauxqs
// answers it).

#include <gtest/gtest.h>

#include "sqs/message_md5.h"

namespace ebworker {
namespace {

TEST(MessageMd5, BodyVector) { EXPECT_EQ(md5_of_body("this is my body"), "567762fc32b60cd7fc4abbe9cf1fcfbe"); }

TEST(MessageMd5, OneStringAttributeVector) {
  EXPECT_EQ(md5_of_attributes({{"attribName1", "String", "attribValue 1"}}), "19e27d4e946b072f3f58da80d94fd778");
}

TEST(MessageMd5, StringBinaryAndNumberVector) {
  // Given out of order: the digest sorts by name.
  EXPECT_EQ(md5_of_attributes({{"Population", "Number", "1250800"},
                               {"City", "String", "Any City"},
                               {"Greeting", "Binary", "Hello, World!"}}),
            "28eb0e573cf8e8a77e349a2f968eac4a");
}

TEST(MessageMd5, NonAsciiValueAsFauxqsAnswers) {
  EXPECT_EQ(md5_of_attributes({{"a", "String", "\xC3\xA9"}}), "c4165ff38d6f49dc65bdda0cf099bde4");
}

TEST(MessageMd5, NonAsciiNamesValuesAndCustomTypes) {
  // città, émoji (String.custom, U+1F389), Zeta: sorted by UTF-8 bytes, lengths in bytes.
  EXPECT_EQ(md5_of_attributes({{"citt\xC3\xA0", "String", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE2\x9C\x93"},
                               {"\xC3\xA9moji", "String.custom", "\xF0\x9F\x8E\x89"},
                               {"Zeta", "Number", "3"}}),
            "6bdeabb77517a5f5f423089116429436");
}

TEST(MessageMd5, NonAsciiBody) {
  EXPECT_EQ(md5_of_body("Gr\xC3\xBC\xC3\x9F" "e, \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8E\x89"),
            "ba3fc94507b33514dbbec9f41dba716c");
}

}  // namespace
}  // namespace ebworker
