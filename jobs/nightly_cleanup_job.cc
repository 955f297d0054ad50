#include "nightly_cleanup_job.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

ebworker::JobResult NightlyCleanupJob::perform(const rapidjson::Value&, ebworker::JobContext& context) {
  const char* dir = std::getenv("CLEANUP_DIR");
  if (!dir || !*dir) {
    context.log.info("CLEANUP_DIR is not set: nothing to clean");
    return ebworker::done();
  }
  const char* days_text = std::getenv("CLEANUP_MAX_AGE_DAYS");
  const long days = days_text ? std::strtol(days_text, nullptr, 10) : 7;
  if (days < 0) return ebworker::fail("CLEANUP_MAX_AGE_DAYS must not be negative");
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(24 * days);

  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return ebworker::fail("cannot list CLEANUP_DIR " + std::string(dir) + ": " + ec.message());
  int removed = 0;
  for (const auto& entry : it) {
    if (!entry.is_regular_file(ec) || entry.last_write_time(ec) >= cutoff || ec) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
    if (ec) context.log.warn("cannot remove {}: {}", entry.path().string(), ec.message());
  }
  context.log.info("removed {} files older than {} days from {}", removed, days, dir);
  return ebworker::done();
}
