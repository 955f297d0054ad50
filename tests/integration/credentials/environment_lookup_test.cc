// core/environment_lookup.h: how every reader of an Environment sees a variable, empty or not.

#include <gtest/gtest.h>

#include "core/environment_lookup.h"

namespace ebworker {
namespace {

TEST(EnvironmentLookup, AnEmptyValueCountsAsUnset) {
  const Environment env = {{"SET", "value"}, {"EMPTY", ""}};
  EXPECT_EQ(lookup(env, "SET"), "value");
  EXPECT_EQ(lookup(env, "EMPTY"), std::nullopt);
  EXPECT_EQ(lookup(env, "ABSENT"), std::nullopt);
}

TEST(EnvironmentLookup, FallbackWhenUnset) {
  const Environment env = {{"SET", "value"}, {"EMPTY", ""}};
  EXPECT_EQ(lookup_or(env, "SET", "other"), "value");
  EXPECT_EQ(lookup_or(env, "EMPTY", "other"), "other");
  EXPECT_EQ(lookup_or(env, "ABSENT", "other"), "other");
  EXPECT_EQ(lookup_or(env, "ABSENT"), "");
}

}  // namespace
}  // namespace ebworker
