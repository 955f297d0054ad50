// The once-only warning for the first 503 with every job thread busy (HttpConnections above
// EBWORKER_JOB_THREADS, e.g. set in the console).

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "http/busy_warning.h"

namespace ebworker {
namespace {

TEST(BusyWarning, FirstCallWarnsNamingBothSettings) {
  BusyWarning warning;
  const auto text = warning.first(10);
  ASSERT_TRUE(text.has_value());
  EXPECT_NE(text->find("all 10 job threads busy"), std::string::npos) << *text;
  EXPECT_NE(text->find("HttpConnections"), std::string::npos) << *text;
  EXPECT_NE(text->find("EBWORKER_JOB_THREADS (10)"), std::string::npos) << *text;
  EXPECT_NE(text->find("console"), std::string::npos) << *text;
}

TEST(BusyWarning, OnlyOnce) {
  BusyWarning warning;
  EXPECT_TRUE(warning.first(3).has_value());
  EXPECT_FALSE(warning.first(3).has_value());
  EXPECT_FALSE(warning.first(3).has_value());
}

TEST(BusyWarning, OnceAcrossThreads) {
  BusyWarning warning;
  std::atomic<int> warned{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j)
        if (warning.first(8)) ++warned;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(warned.load(), 1);
}

}  // namespace
}  // namespace ebworker
