#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <ebworker/environment.h>

#include "core/settings.h"

namespace ebworker {

// `ebworker dlq ls | show ID | requeue (--job-id ID | --job CLASS | --all) | purge [--yes]`: the
// dead-letter queue's messages listed, shown, sent back to the worker queue, or deleted. Exits 0
// when all went well, 1 when SQS refused something (each failure a line on stderr), 2 on a
// usage error.
int dlq_command(const std::vector<std::string>& args, const Environment& env);

struct DlqOptions {
  std::string queue_url{};     // the dead-letter queue
  std::string to{};            // requeue: the worker queue
  std::size_t max = 10000;     // distinct messages examined at most
  int visibility_timeout = 30; // seconds a message read stays hidden at most
  int wait_time = 1;           // seconds of each long poll
  std::size_t progress_every = 100;
  std::string job_id{};
  std::string job_class{};
  bool all = false;
  bool yes = false;
};

const std::vector<Setting<DlqOptions>>& dlq_settings();

}  // namespace ebworker
