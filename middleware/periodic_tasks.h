#pragma once

#include <string>

#include "cron/cron_file.h"
#include "http/middleware.h"
#include "job/job_registry.h"

namespace ebworker {

// A periodic task arrives as an empty, unsigned POST to the task's url with
// X-Aws-Sqsd-Taskname. It runs the job of that name with no arguments, but only when cron.yaml
// declares the task at that url: the file is the allow-list, since nobody can sign these.
class PeriodicTasks : public Middleware {
 public:
  PeriodicTasks(const JobRegistry& registry, CronFile cron, std::string path = "/periodic_tasks")
      : registry_(registry), cron_(std::move(cron)), path_(std::move(path)) {}
  Response call(Request& request, const Next& next) const override;

 private:
  const JobRegistry& registry_;
  CronFile cron_;
  std::string path_;
};

}  // namespace ebworker
