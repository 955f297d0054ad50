// Every test runs with a default logger that keeps its lines in memory (at trace level, so all
// logging code runs), which no_secrets_test.cc searches for secrets. Nothing reaches the terminal.

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <string>

#include "credentials_test_support.h"

namespace ebworker::testing {

namespace {

class MemorySink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string text() {
    std::lock_guard lock(mutex_);
    return text_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    text_.append(line.data(), line.size());
  }
  void flush_() override {}

 private:
  std::string text_;
};

std::shared_ptr<MemorySink>& memory_sink() {
  static auto sink = std::make_shared<MemorySink>();
  return sink;
}

class CaptureLogs : public ::testing::Environment {
 public:
  void SetUp() override {
    auto logger = std::make_shared<spdlog::logger>("credentials-tests", memory_sink());
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
  }
};

[[maybe_unused]] ::testing::Environment* const kCaptureLogs =
    ::testing::AddGlobalTestEnvironment(new CaptureLogs);

}  // namespace

std::string captured_logs() { return memory_sink()->text(); }

}  // namespace ebworker::testing
