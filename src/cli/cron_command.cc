#include "cli/cron_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/iso_time.h"
#include "cron/cron_file.h"

namespace ebworker {

namespace {
constexpr const char* kCronUsage =
    "usage: ebworker cron check [FILE]\n"
    "  Validates FILE (default $EBWORKER_CRON_FILE, else cron.yaml) and prints each task's next\n"
    "  three fire times in UTC. Exits 1 when the file is invalid.\n";
}

const std::vector<Setting<CronCheckConfig>>& cron_check_settings() {
  static const std::vector<Setting<CronCheckConfig>> settings = {
      {"EBWORKER_CRON_FILE", "", "cron.yaml", "the file checked when none is named (the worker's too)",
       [](CronCheckConfig& c, std::string_view v) -> Status {
         if (!v.empty()) c.file = std::string(v);  // set but empty: as if unset
         return {};
       }},
  };
  return settings;
}

int cron_command(const std::vector<std::string>& args, const JobRegistry& registry, const Environment& env) {
  if (args.empty() || args[0] != "check" || args.size() > 2) {
    std::fputs(kCronUsage, args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? stdout : stderr);
    return args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? 0 : 2;
  }
  auto config = load_settings(cron_check_settings(), env, {});
  if (!config) {
    std::fprintf(stderr, "ebworker cron: %s\n", config.error().message.c_str());
    return 2;
  }
  const std::string path = args.size() == 2 ? args[1] : config->file;
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
