// Every test runs with a default logger that formats each line (so the logging code runs, under
// the sanitizers too) and writes it nowhere. A test that reads log lines installs its own sink.

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

namespace {

class QuietLogs : public ::testing::Environment {
 public:
  void SetUp() override {
    auto logger = std::make_shared<spdlog::logger>("unit-tests",
                                                   std::make_shared<spdlog::sinks::null_sink_mt>());
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
  }
};

[[maybe_unused]] ::testing::Environment* const kQuietLogs =
    ::testing::AddGlobalTestEnvironment(new QuietLogs);

}  // namespace
