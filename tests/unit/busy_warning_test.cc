// The once-only warning for the first 503 with every job thread busy (HttpConnections above
// EBWORKER_JOB_THREADS, e.g. set in the console).

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "worker/busy_warning.h"

namespace ebworker {
namespace {

TEST(BusyWarning, FirstCallWarnsNamingBothSettings) {
  BusyWarning warning(10);
  const auto text = warning.first();
  ASSERT_TRUE(text.has_value());
  EXPECT_NE(text->find("all 10 job threads busy"), std::string::npos) << *text;
  EXPECT_NE(text->find("HttpConnections"), std::string::npos) << *text;
  EXPECT_NE(text->find("EBWORKER_JOB_THREADS (10)"), std::string::npos) << *text;
  EXPECT_NE(text->find("console"), std::string::npos) << *text;
}

TEST(BusyWarning, OnlyOnce) {
  BusyWarning warning(3);
  EXPECT_TRUE(warning.first().has_value());
  EXPECT_FALSE(warning.first().has_value());
  EXPECT_FALSE(warning.first().has_value());
}

TEST(BusyWarning, OnceAcrossThreads) {
  BusyWarning warning(8);
  std::atomic<int> warned{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j)
        if (warning.first()) ++warned;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(warned.load(), 1);
}

}  // namespace
}  // namespace ebworker
