#include "cli/cron_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/iso_time.h"
#include "cron/cron_file.h"

namespace ebworker {

namespace {
constexpr const char* kUsage =
    "usage: ebworker cron check [FILE]\n"
    "  Validates FILE (default $EBWORKER_CRON_FILE, else cron.yaml) and prints each task's next\n"
    "  three fire times in UTC. Exits 1 when the file is invalid.\n";
}

int cron_command(const std::vector<std::string>& args, const JobRegistry& registry, const Environment& env) {
  if (args.empty() || args[0] != "check" || args.size() > 2) {
    std::fputs(kUsage, args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? stdout : stderr);
    return args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? 0 : 2;
  }
  const auto env_file = env.find("EBWORKER_CRON_FILE");
  const std::string path = args.size() == 2                                       ? args[1]
                           : env_file != env.end() && !env_file->second.empty() ? env_file->second
                                                                                 : "cron.yaml";
  auto cron = CronFile::load(path, registry);
  if (!cron) {
    std::fprintf(stderr, "%s\n", cron.error().message.c_str());
    return 1;
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::printf("%s: %zu task%s, valid\n", path.c_str(), cron->tasks().size(), cron->tasks().size() == 1 ? "" : "s");
  for (const auto& task : cron->tasks()) {
    std::printf("%s  %s  \"%s\"  next:", task.name.c_str(), task.url.c_str(), task.schedule.text().c_str());
    auto t = now;
    for (int i = 0; i < 3; ++i) {
      const auto next = task.schedule.next_after(t);
      if (!next) break;
      std::printf(" %s", iso8601_utc_seconds(*next).c_str());
      t = *next;
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace ebworker
