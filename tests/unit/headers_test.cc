// Headers: arrival order kept, names compared case-insensitively.

#include <gtest/gtest.h>

#include <ebworker/worker/headers.h>

#include "core/text.h"

namespace ebworker {
namespace {

TEST(Headers, FindIsCaseInsensitiveAndReturnsTheFirst) {
  Headers h;
  h.add("X-Aws-Sqsd-Msgid", "first");
  h.add("x-aws-sqsd-msgid", "second");
  h.add("User-Agent", "aws-sqsd/2.4");
  ASSERT_NE(h.find("X-AWS-SQSD-MSGID"), nullptr);
  EXPECT_EQ(*h.find("X-AWS-SQSD-MSGID"), "first");
  EXPECT_EQ(h.get("user-agent"), "aws-sqsd/2.4");
  EXPECT_EQ(h.find("User-Agen"), nullptr);
  EXPECT_EQ(h.get("Missing", "fallback"), "fallback");
  EXPECT_EQ(h.get("Missing"), "");
  ASSERT_EQ(h.fields().size(), 3u);
  EXPECT_EQ(h.fields()[1].first, "x-aws-sqsd-msgid");
}

TEST(Headers, EmptyValueIsPresent) {
  Headers h;
  h.add("X-Empty", "");
  ASSERT_NE(h.find("x-empty"), nullptr);
  EXPECT_EQ(h.get("x-empty", "fallback"), "");
}

TEST(Iequals, Basics) {
  EXPECT_TRUE(iequals("Content-Type", "content-type"));
  EXPECT_FALSE(iequals("Content-Type", "content-typ"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_TRUE(istarts_with("AWS-SQSD/2.4", "aws-sqsd"));
  EXPECT_FALSE(istarts_with("aws-sqs", "aws-sqsd"));
  EXPECT_TRUE(istarts_with("x", ""));
}

}  // namespace
}  // namespace ebworker
