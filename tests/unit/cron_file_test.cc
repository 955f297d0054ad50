// cron.yaml: the allow-list of periodic tasks. Every error reads "FILE:LINE: reason" with the line
// of the offending entry or value.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cron/cron_file.h"

namespace ebworker {
namespace {

class CronFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"NightlyCleanupJob", "backup-job", "ReportJob"})
      registry.add(name, [] { return std::unique_ptr<Job>(); });
  }

  // The error for `yaml`; fails the test when it parses.
  std::string error_of(const std::string& yaml) {
    auto file = CronFile::parse(yaml, "cron.yaml", registry);
    EXPECT_FALSE(file.has_value()) << "accepted:\n" << yaml;
    return file ? std::string() : file.error().message;
  }

  // A one-task file with the given schedule, the schedule on line 5.
  static std::string with_schedule(const std::string& schedule) {
    return "version: 1\n"
           "cron:\n"
           "  - name: \"backup-job\"\n"
           "    url: \"/periodic_tasks\"\n"
           "    schedule: \"" + schedule + "\"\n";
  }

  JobRegistry registry;
};

TEST_F(CronFileTest, ValidFile) {
  const std::string yaml =
      "# comment\n"
      "version: 1\n"
      "cron:\n"
      "  - name: \"backup-job\"\n"            // line 4
      "    url: \"/periodic_tasks\"\n"
      "    schedule: \"0 */12 * * *\"\n"
      "    ignored_key: whatever\n"
      "  - name: NightlyCleanupJob\n"          // line 8
      "    url: /nightly\n"
      "    schedule: '@daily'\n";
  auto file = CronFile::parse(yaml, "cron.yaml", registry);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  ASSERT_EQ(file->tasks().size(), 2u);
  EXPECT_EQ(file->tasks()[0].name, "backup-job");
  EXPECT_EQ(file->tasks()[0].url, "/periodic_tasks");
  EXPECT_EQ(file->tasks()[0].schedule.text(), "0 */12 * * *");
  EXPECT_EQ(file->tasks()[0].line, 4);
  EXPECT_EQ(file->tasks()[1].name, "NightlyCleanupJob");
  EXPECT_EQ(file->tasks()[1].url, "/nightly");
  EXPECT_EQ(file->tasks()[1].schedule.text(), "@daily");
  EXPECT_EQ(file->tasks()[1].line, 8);
}

// `exclusive` is ours (aws-sqsd reads only name, url and schedule): absent is false.
TEST_F(CronFileTest, ExclusiveIsOptionalAndTrueOrFalse) {
  auto file = CronFile::parse(with_schedule("* * * * *") + "    exclusive: true\n", "cron.yaml", registry);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_TRUE(file->tasks()[0].exclusive);
  ASSERT_TRUE(file->find("backup-job"));
  EXPECT_TRUE(file->find("backup-job")->exclusive);
  EXPECT_FALSE(file->find("NightlyCleanupJob"));
  auto plain = CronFile::parse(with_schedule("* * * * *"), "cron.yaml", registry);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tasks()[0].exclusive);
  EXPECT_EQ(error_of(with_schedule("* * * * *") + "    exclusive: maybe\n"),
            "cron.yaml:6: \"exclusive\" must be true or false");
}

TEST_F(CronFileTest, Allows) {
  auto file = CronFile::parse(
      "version: 1\n"
      "cron:\n"
      "  - {name: backup-job, url: /periodic_tasks, schedule: '0 3 * * *'}\n"
      "  - {name: ReportJob, url: /reports, schedule: '@hourly'}\n",
      "cron.yaml", registry);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_TRUE(file->allows("backup-job", "/periodic_tasks"));
  EXPECT_TRUE(file->allows("ReportJob", "/reports"));
  EXPECT_FALSE(file->allows("backup-job", "/reports"));
  EXPECT_FALSE(file->allows("ReportJob", "/periodic_tasks"));
  EXPECT_FALSE(file->allows("NightlyCleanupJob", "/periodic_tasks"));  // registered, not declared
  EXPECT_FALSE(file->allows("Backup-Job", "/periodic_tasks"));
  EXPECT_FALSE(file->allows("backup-job", "/periodic_tasks/"));
}

TEST_F(CronFileTest, EmptyTaskListIsValid) {
  auto file = CronFile::parse("version: 1\ncron: []\n", "cron.yaml", registry);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_TRUE(file->tasks().empty());
  EXPECT_FALSE(file->allows("backup-job", "/periodic_tasks"));
}

TEST_F(CronFileTest, NotYaml) {
  const std::string e = error_of("version: 1\ncron:\n  - name: [unclosed\n");
  EXPECT_EQ(e.rfind("cron.yaml:", 0), 0u) << e;
  EXPECT_NE(e.find("not valid YAML"), std::string::npos) << e;
  EXPECT_EQ(error_of("version: 1\n\tcron: x\n").rfind("cron.yaml:2: not valid YAML", 0), 0u);
}

TEST_F(CronFileTest, RootMustBeAMapping) {
  EXPECT_EQ(error_of(""), "cron.yaml:1: expected a mapping with \"version\" and \"cron\"");
  EXPECT_EQ(error_of("- a\n- b\n"), "cron.yaml:1: expected a mapping with \"version\" and \"cron\"");
}

TEST_F(CronFileTest, VersionMissing) {
  EXPECT_EQ(error_of("cron: []\n"), "cron.yaml:1: missing \"version: 1\"");
}

TEST_F(CronFileTest, VersionMustBeOne) {
  EXPECT_EQ(error_of("# header\nversion: 2\ncron: []\n"), "cron.yaml:2: \"version\" must be 1");
  EXPECT_EQ(error_of("cron: []\nversion: [1]\n"), "cron.yaml:2: \"version\" must be 1");
}

TEST_F(CronFileTest, CronMustBeAList) {
  EXPECT_EQ(error_of("version: 1\n"), "cron.yaml:1: missing \"cron\" list");
  EXPECT_EQ(error_of("version: 1\ncron:\n  name: backup-job\n"),
            "cron.yaml:3: \"cron\" must be a list of tasks");
  EXPECT_EQ(error_of("version: 1\ncron: every day\n"), "cron.yaml:2: \"cron\" must be a list of tasks");
}

TEST_F(CronFileTest, EntryMustBeAMapping) {
  EXPECT_EQ(error_of("version: 1\ncron:\n  - backup-job\n"),
            "cron.yaml:3: each task must be a mapping with name, url, schedule");
}

TEST_F(CronFileTest, EntryMissingAField) {
  const std::string first_ok =
      "version: 1\n"
      "cron:\n"
      "  - name: backup-job\n"
      "    url: /periodic_tasks\n"
      "    schedule: '0 3 * * *'\n";
  EXPECT_EQ(error_of(first_ok + "  - url: /periodic_tasks\n    schedule: '0 3 * * *'\n"),
            "cron.yaml:6: task has no \"name\"");
  EXPECT_EQ(error_of(first_ok + "  - name: ReportJob\n    schedule: '0 3 * * *'\n"),
            "cron.yaml:6: task has no \"url\"");
  EXPECT_EQ(error_of(first_ok + "  - name: ReportJob\n    url: /periodic_tasks\n"),
            "cron.yaml:6: task has no \"schedule\"");
  EXPECT_EQ(error_of(first_ok + "  - name: ReportJob\n    url: /periodic_tasks\n    schedule: ''\n"),
            "cron.yaml:8: \"schedule\" must be a non-empty string");
  EXPECT_EQ(error_of(first_ok + "  - name: [ReportJob]\n    url: /p\n    schedule: '@daily'\n"),
            "cron.yaml:6: \"name\" must be a non-empty string");
}

TEST_F(CronFileTest, NameMustBeARegisteredJob) {
  const std::string e = error_of(
      "version: 1\n"
      "cron:\n"
      "  - url: /periodic_tasks\n"
      "    schedule: '0 3 * * *'\n"
      "    name: NoSuchJob\n");
  EXPECT_EQ(e, "cron.yaml:5: task \"NoSuchJob\" is not a registered job (register it in main, or fix the name)");
}

TEST_F(CronFileTest, SixFieldScheduleIsRefusedAsSeconds) {
  const std::string e = error_of(with_schedule("*/30 * * * * *"));
  EXPECT_EQ(e.rfind("cron.yaml:5: schedule \"*/30 * * * * *\" has 6 fields", 0), 0u) << e;
  EXPECT_NE(e.find("seconds"), std::string::npos) << e;
}

TEST_F(CronFileTest, ScheduleNeedsFiveFields) {
  EXPECT_EQ(error_of(with_schedule("0 3 * *")),
            "cron.yaml:5: schedule \"0 3 * *\" has 4 fields; expected 5: minute hour day-of-month "
            "month day-of-week");
  EXPECT_EQ(error_of(with_schedule("0 3 * * * * *")).rfind("cron.yaml:5: schedule \"0 3 * * * * *\" has 7 fields", 0), 0u);
}

TEST_F(CronFileTest, UnknownMacro) {
  for (const char* macro : {"@fortnightly", "@reboot", "@Hourly"}) {
    const std::string e = error_of(with_schedule(macro));
    EXPECT_EQ(e.rfind(std::string("cron.yaml:5: unknown schedule macro \"") + macro + "\"", 0), 0u) << e;
  }
}

TEST_F(CronFileTest, BadFieldNamesTheField) {
  EXPECT_EQ(error_of(with_schedule("0 25 * * *")), "cron.yaml:5: hour field \"25\": 25 is outside 0-23");
  const std::string step = error_of(with_schedule("5/10 * * * *"));
  EXPECT_EQ(step.rfind("cron.yaml:5: minute field \"5/10\": ", 0), 0u) << step;
}

TEST_F(CronFileTest, ScheduleThatNeverFires) {
  EXPECT_EQ(error_of(with_schedule("0 0 30 2 *")),
            "cron.yaml:5: schedule \"0 0 30 2 *\" never fires (no such date)");
  EXPECT_EQ(error_of(with_schedule("0 0 31 apr *")),
            "cron.yaml:5: schedule \"0 0 31 apr *\" never fires (no such date)");
}

TEST_F(CronFileTest, UrlMustStartWithASlash) {
  EXPECT_EQ(error_of("version: 1\n"
                     "cron:\n"
                     "  - name: backup-job\n"
                     "    schedule: '@daily'\n"
                     "    url: periodic_tasks\n"),
            "cron.yaml:5: \"url\" must start with /");
}

TEST_F(CronFileTest, ErrorsNameTheFile) {
  auto file = CronFile::parse("version: 3\ncron: []\n", "/srv/app/cron.yaml", registry);
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().message, "/srv/app/cron.yaml:1: \"version\" must be 1");
}

TEST_F(CronFileTest, LoadReadsAFile) {
  const std::string path = ::testing::TempDir() + "ebworker_cron_file_test.yaml";
  {
    std::ofstream out(path);
    out << with_schedule("0 3 * * *");
  }
  auto file = CronFile::load(path, registry);
  std::remove(path.c_str());
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_TRUE(file->allows("backup-job", "/periodic_tasks"));
}

TEST_F(CronFileTest, LoadOfAMissingFileSaysSo) {
  const std::string path = ::testing::TempDir() + "ebworker_no_such_cron_file.yaml";
  auto file = CronFile::load(path, registry);
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().message, path + ": cannot be read");
}

}  // namespace
}  // namespace ebworker
