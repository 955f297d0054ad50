// uuid_v4: canonical lowercase, version 4, RFC 4122 variant, random.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "envelope/uuid.h"

namespace ebworker {
namespace {

TEST(UuidV4, Format) {
  for (int i = 0; i < 100; ++i) {
    const std::string u = uuid_v4();
    ASSERT_EQ(u.size(), 36u) << u;
    for (size_t j = 0; j < u.size(); ++j) {
      if (j == 8 || j == 13 || j == 18 || j == 23)
        EXPECT_EQ(u[j], '-') << u;
      else
        EXPECT_TRUE((u[j] >= '0' && u[j] <= '9') || (u[j] >= 'a' && u[j] <= 'f')) << u;
    }
    EXPECT_EQ(u[14], '4') << u;                                      // version nibble
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;  // variant 10xx
    EXPECT_TRUE(is_uuid(u));
  }
}

TEST(UuidV4, UniqueAndRandomBitsVary) {
  std::set<std::string> seen;
  std::set<char> variant_digits;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = uuid_v4();
    seen.insert(u);
    variant_digits.insert(u[19]);
  }
  EXPECT_EQ(seen.size(), 1000u);
  // Two random bits under the variant: over 1000 draws all four digits appear.
  EXPECT_EQ(variant_digits, (std::set<char>{'8', '9', 'a', 'b'}));
}

TEST(IsUuid, AcceptsCanonicalFormInEitherCase) {
  EXPECT_TRUE(is_uuid("123e4567-e89b-42d3-a456-426614174000"));
  EXPECT_TRUE(is_uuid("123E4567-E89B-42D3-A456-426614174000"));
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
}

TEST(IsUuid, RejectsOtherForms) {
  for (const char* bad : {"", "123e4567e89b42d3a456426614174000", "{123e4567-e89b-42d3-a456-426614174000}",
                          "123e4567-e89b-42d3-a456-42661417400", "123e4567-e89b-42d3-a456-4266141740000",
                          "123e4567-e89b-42d3-a456_426614174000", "123e4567-e89b-42d3-a4564-26614174000",
                          "g23e4567-e89b-42d3-a456-426614174000", "123e4567-e89b-42d3-a456-42661417400 ",
                          "urn:uuid:123e4567-e89b-42d3-a456-426614174000"})
    EXPECT_FALSE(is_uuid(bad)) << bad;
}

}  // namespace
}  // namespace ebworker
