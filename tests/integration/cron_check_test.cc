// `ebworker cron check [FILE]`, the real binary (docs/guide.md, "Commands", "cron.yaml"): a valid
// file exits 0 and lists each task with its next three run times; an invalid one exits non-zero
// with "FILE:LINE: reason"; a missing file is named. Whatever the schedule, the process ends by
// exiting, never by a signal (a crash, or a sanitizer's abort).

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "core/iso_time.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/worker_process.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class CronCheck : public ::testing::Test {
 protected:
  std::string write_cron(std::string_view name, std::string_view yaml) const {
    const auto path = dir_ / name;
    write_file(path, yaml);
    return path.string();
  }

  CommandResult check(const std::vector<std::string>& args, Environment env = base_environment()) const {
    std::vector<std::string> argv{"cron", "check"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(EBWORKER_BINARY, argv, env, 20s);
  }

  // The process exited (no signal) and printed no sanitizer report.
  static ::testing::AssertionResult exited_normally(const CommandResult& r) {
    if (!r.status) return ::testing::AssertionFailure() << "did not finish within 20 s\n" << r.describe();
    if (!r.status->exited) return ::testing::AssertionFailure() << "killed by a signal\n" << r.describe();
    if (const auto reports = sanitizer_reports(r.out + r.err); !reports.empty())
      return ::testing::AssertionFailure() << "sanitizer report:\n" << reports;
    return ::testing::AssertionSuccess();
  }

  TempDir dir_{"ebworker-cron-check"};
};

// "YYYY-MM-DDTHH:MM:SSZ" times after "next:" on the task's line.
std::vector<std::string> next_runs(const std::string& out, std::string_view task) {
  std::vector<std::string> runs;
  const auto at = out.find(std::string(task) + "  ");
  if (at == std::string::npos) return runs;
  const std::string line = out.substr(at, out.find('\n', at) - at);
  const auto next = line.find("next:");
  if (next == std::string::npos) return runs;
  static const std::regex kTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  const std::string tail = line.substr(next);
  for (std::sregex_iterator it(tail.begin(), tail.end(), kTime), end; it != end; ++it) runs.push_back(it->str());
  return runs;
}

TEST_F(CronCheck, ValidFileListsEachTaskAndItsNextThreeRuns) {
  const auto path = write_cron("cron.yaml",
                               "version: 1\n"
                               "cron:\n"
                               "  - name: \"EchoJob\"\n"
                               "    url: \"/periodic_tasks\"\n"
                               "    schedule: \"*/5 * * * *\"\n"
                               "  - name: \"NightlyCleanupJob\"\n"
                               "    url: \"/periodic_tasks\"\n"
                               "    schedule: \"0 3 * * *\"\n");
  const std::string now = iso8601_utc_seconds(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  const auto r = check({path});
  ASSERT_TRUE(exited_normally(r));
  EXPECT_TRUE(r.success()) << r.describe();
  EXPECT_NE(r.out.find(path + ": 2 tasks, valid"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("EchoJob  /periodic_tasks  \"*/5 * * * *\"  next:"), std::string::npos) << r.describe();
  EXPECT_NE(r.out.find("NightlyCleanupJob  /periodic_tasks  \"0 3 * * *\"  next:"), std::string::npos)
      << r.describe();

  const auto echo = next_runs(r.out, "EchoJob");
  ASSERT_EQ(echo.size(), 3u) << r.describe();
  const auto nightly = next_runs(r.out, "NightlyCleanupJob");
  ASSERT_EQ(nightly.size(), 3u) << r.describe();
  // UTC, in the future, increasing, and on the schedule: minutes divisible by 5; 03:00:00 daily.
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_GT(echo[i], now) << r.describe();
    EXPECT_EQ(std::stoi(echo[i].substr(14, 2)) % 5, 0) << echo[i];
    EXPECT_EQ(echo[i].substr(17), "00Z") << echo[i];
    EXPECT_GT(nightly[i], now) << r.describe();
    EXPECT_EQ(nightly[i].substr(11), "03:00:00Z") << nightly[i];
    if (i > 0) {
      EXPECT_GT(echo[i], echo[i - 1]);
      EXPECT_GT(nightly[i], nightly[i - 1]);
    }
  }
  EXPECT_EQ(r.err, "") << r.describe();
}

TEST_F(CronCheck, TheFileComesFromEbworkerCronFileThenTheArgument) {
  const auto named = write_cron("named.yaml",
                                "version: 1\n"
                                "cron:\n"
                                "  - name: \"EchoJob\"\n"
                                "    url: \"/periodic_tasks\"\n"
                                "    schedule: \"@hourly\"\n");
  Environment env = base_environment();
  env["EBWORKER_CRON_FILE"] = named;
  const auto from_env = check({}, env);
  ASSERT_TRUE(exited_normally(from_env));
  EXPECT_TRUE(from_env.success()) << from_env.describe();
  EXPECT_NE(from_env.out.find(named + ": 1 task, valid"), std::string::npos) << from_env.describe();
  const auto hourly = next_runs(from_env.out, "EchoJob");
  ASSERT_EQ(hourly.size(), 3u) << from_env.describe();
  for (const auto& t : hourly) EXPECT_EQ(t.substr(14), "00:00Z") << t;

  const auto missing = (dir_ / "missing.yaml").string();
  const auto argument_wins = check({missing}, env);
  ASSERT_TRUE(exited_normally(argument_wins));
  EXPECT_FALSE(argument_wins.success()) << "checked " << named << " instead of the file named";
}

struct Invalid {
  const char* what;
  const char* yaml;
  int line;
  const char* reason;
};

void PrintTo(const Invalid& c, std::ostream* os) { *os << c.what; }

class CronCheckInvalid : public CronCheck, public ::testing::WithParamInterface<Invalid> {};

TEST_P(CronCheckInvalid, ExitsNonZeroNamingFileLineAndReason) {
  const Invalid& c = GetParam();
  const auto path = write_cron("cron.yaml", c.yaml);
  const auto r = check({path});
  ASSERT_TRUE(exited_normally(r));
  EXPECT_FALSE(r.success()) << r.describe();
  EXPECT_EQ(r.status->code, 1) << r.describe();
  const std::string where = path + ":" + std::to_string(c.line) + ": ";
  EXPECT_NE(r.err.find(where), std::string::npos) << "expected \"" << where << "\"\n" << r.describe();
  EXPECT_NE(r.err.find(c.reason), std::string::npos) << "expected \"" << c.reason << "\"\n" << r.describe();
  EXPECT_EQ(r.out.find("valid"), std::string::npos) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CronCheckInvalid,
    ::testing::Values(
        Invalid{"unregistered", "version: 1\ncron:\n  - name: \"NoSuchJob\"\n    url: \"/periodic_tasks\"\n"
                                "    schedule: \"0 3 * * *\"\n", 3, "NoSuchJob"},
        Invalid{"six_fields", "version: 1\ncron:\n  - name: \"EchoJob\"\n    url: \"/periodic_tasks\"\n"
                              "    schedule: \"*/30 * * * * *\"\n", 5, "*/30 * * * * *"},
        Invalid{"out_of_range", "version: 1\ncron:\n  - name: \"EchoJob\"\n    url: \"/periodic_tasks\"\n"
                                "    schedule: \"61 * * * *\"\n", 5, "61"},
        Invalid{"no_url", "version: 1\ncron:\n  - name: \"EchoJob\"\n    schedule: \"0 3 * * *\"\n", 3, "url"},
        Invalid{"url_without_slash", "version: 1\ncron:\n  - name: \"EchoJob\"\n    url: \"periodic_tasks\"\n"
                                     "    schedule: \"0 3 * * *\"\n", 4, "must start with /"},
        Invalid{"version_2", "version: 2\ncron: []\n", 1, "version"},
        Invalid{"not_yaml", "version: 1\ncron:\n  - name: [\"EchoJob\"\n", 4, "not valid YAML"}),
    [](const ::testing::TestParamInfo<Invalid>& param) { return std::string(param.param.what); });

TEST_F(CronCheck, MissingFileIsNamed) {
  const auto missing = (dir_ / "no-such-cron.yaml").string();
  const auto r = check({missing});
  ASSERT_TRUE(exited_normally(r));
  EXPECT_FALSE(r.success()) << r.describe();
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("cannot be read"), std::string::npos) << r.describe();
}

TEST_F(CronCheck, BadUsageExitsTwoWithTheUsage) {
  const auto r = run_command(EBWORKER_BINARY, {"cron", "check", "a.yaml", "b.yaml"}, base_environment(), 20s);
  ASSERT_TRUE(exited_normally(r));
  EXPECT_EQ(r.status->code, 2) << r.describe();
  EXPECT_NE(r.err.find("usage: ebworker cron check"), std::string::npos) << r.describe();
}

// Steps and ranges at the edges of int: checked, or listed, but never a crash or a hang (the
// search for the next run must end).
class CronCheckExtreme : public CronCheck, public ::testing::WithParamInterface<const char*> {};

TEST_P(CronCheckExtreme, ExitsNormallyWithAListingOrAClearError) {
  const std::string schedule = GetParam();
  const auto path = write_cron("cron.yaml", "version: 1\ncron:\n  - name: \"EchoJob\"\n    url: \"/periodic_tasks\"\n"
                                            "    schedule: \"" + schedule + "\"\n");
  const auto r = check({path});
  ASSERT_TRUE(exited_normally(r)) << "schedule \"" << schedule << "\"";
  if (r.status->code == 0) {
    EXPECT_NE(r.out.find(path + ": 1 task, valid"), std::string::npos) << r.describe();
    EXPECT_NE(r.out.find("next:"), std::string::npos) << r.describe();
  } else {
    EXPECT_EQ(r.status->code, 1) << r.describe();
    EXPECT_NE(r.err.find(path + ":5: "), std::string::npos) << r.describe();
  }
}

INSTANTIATE_TEST_SUITE_P(Schedules, CronCheckExtreme,
                         ::testing::Values("0 0 1-31/2147483647 * *", "*/2147483647 * * * *",
                                           "0 0 */2147483648 * *", "0-59/4294967296 * * * *",
                                           "0 0 31 2 *", "0 0 1-31/2147483646 1-12/2147483647 0-7/2147483647"));

}  // namespace
}  // namespace ebworker::testing
