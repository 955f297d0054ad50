#pragma once

#include <ebworker/worker/job.h>

// A realistic periodic task (see cron.yaml): deletes regular files older than
// CLEANUP_MAX_AGE_DAYS (default 7) from CLEANUP_DIR, e.g. a directory of temporary uploads.
// Idempotent, as every job should be: delivery is at-least-once, so it may run twice.
class NightlyCleanupJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "NightlyCleanupJob";
  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override;
};
