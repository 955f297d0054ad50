// Input modelled: a cron.yaml as an application ships it, read by the worker and by
// `ebworker sqsd` at start-up (CronFile::parse from the text, or CronFile::load from a file).
// The first byte picks the way in (odd: written to a temp file and loaded); the rest is the
// YAML. Checked, for a file that loads: every task names a registered job, has a url starting
// with '/', a schedule that fires, and is allowed at its own url.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cron/cron_file.h"
#include "fuzz_support.h"

namespace {

using namespace ebworker;

class NoopJob : public Job {
 public:
  JobResult perform(const rapidjson::Value&, JobContext&) override { return done(); }
};

const JobRegistry& registry() {
  static const JobRegistry r = [] {
    JobRegistry jobs;
    for (const char* name : {"NightlyCleanupJob", "EchoJob", "HourlyJob"})
      jobs.add(name, [] { return std::make_unique<NoopJob>(); });
    return jobs;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const fuzz::TempFile file("cron.yaml");
  const std::string_view yaml = fuzz::as_text(data + 1, size - 1);

  auto cron = (data[0] & 1) ? CronFile::load(file.write(yaml), registry())
                            : CronFile::parse(yaml, "cron.yaml", registry());
  if (!cron) {
    FUZZ_CHECK(!cron.error().message.empty());
    return 0;
  }
  for (const CronTask& task : cron->tasks()) {
    FUZZ_CHECK(registry().contains(task.name));
    FUZZ_CHECK(!task.url.empty() && task.url[0] == '/');
    FUZZ_CHECK(task.line >= 1);
    FUZZ_CHECK(cron->allows(task.name, task.url));
    FUZZ_CHECK(cron->declares_url(task.url));
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    FUZZ_CHECK(task.schedule.next_after(now).has_value());
  }
  return 0;
}
