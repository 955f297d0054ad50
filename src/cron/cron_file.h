#pragma once
// cron.yaml: the periodic tasks the worker accepts. aws-sqsd cannot sign a periodic task, so this
// file is the allow-list: a task runs only if its name is here, with the url it arrived at.
//
//   version: 1
//   cron:
//     - name: "NightlyCleanupJob"    # a registered job
//       url: "/periodic_tasks"
//       schedule: "0 3 * * *"        # UTC
//       exclusive: true              # optional: one run at a time across every worker instance
//
// aws-sqsd reads only name, url and schedule; `exclusive` is ours (the worker takes a lease in
// EBWORKER_LOCK_TABLE before running the task), and aws-sqsd ignores it.

#include <string>
#include <string_view>
#include <vector>

#include <ebworker/worker/job_registry.h>
#include <ebworker/result.h>

#include "cron/cron_schedule.h"

namespace ebworker {

struct CronTask {
  std::string name;
  std::string url;
  CronSchedule schedule;
  int line = 0;  // 1-based, for messages
  bool exclusive = false;  // `exclusive: true`: one run at a time across instances (a lock lease)
};

class CronFile {
 public:
  // Parses and validates; errors read "FILE:LINE: reason".
  static Result<CronFile> load(const std::string& path, const JobRegistry& registry);
  static Result<CronFile> parse(std::string_view yaml, const std::string& path,
                                const JobRegistry& registry);

  // True when a task with this name is declared at this url.
  bool allows(std::string_view task_name, std::string_view url) const;
  // True when some task is declared at this url.
  bool declares_url(std::string_view url) const;
  const std::vector<CronTask>& tasks() const { return tasks_; }
  // The task of that name, or null.
  const CronTask* find(std::string_view task_name) const;

 private:
  std::vector<CronTask> tasks_;
};

}  // namespace ebworker
