// cli/logging.h, log_to_stderr: the level of the commands that log to stderr (enqueue, dlq). An
// empty EBWORKER_LOG_LEVEL is unset, so their warnings still show, as for every other variable.

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "cli/logging.h"

namespace ebworker {
namespace {

class StderrLogging : public ::testing::Test {
 protected:
  // log_to_stderr replaces the default logger: the other tests get the quiet one back.
  void TearDown() override { spdlog::set_default_logger(quiet_); }
  spdlog::level::level_enum level_with(const Environment& env) {
    log_to_stderr(env);
    return spdlog::default_logger()->level();
  }

 private:
  std::shared_ptr<spdlog::logger> quiet_ = spdlog::default_logger();
};

TEST_F(StderrLogging, WarnsByDefault) { EXPECT_EQ(level_with({}), spdlog::level::warn); }

TEST_F(StderrLogging, AnEmptyLevelIsTheDefault) {
  EXPECT_EQ(level_with({{"EBWORKER_LOG_LEVEL", ""}}), spdlog::level::warn);
}

TEST_F(StderrLogging, TheLevelNamedIsUsed) {
  EXPECT_EQ(level_with({{"EBWORKER_LOG_LEVEL", "debug"}}), spdlog::level::debug);
  EXPECT_EQ(level_with({{"EBWORKER_LOG_LEVEL", "off"}}), spdlog::level::off);
}

}  // namespace
}  // namespace ebworker
