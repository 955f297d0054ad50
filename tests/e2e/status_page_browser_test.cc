// The status page as a browser renders it: headless Chromium loads it after a known run, and the
// figures in its DOM are what ran (counts per class, a failure's reason, still escaped, and the
// periodic task's next run). A screenshot is kept as a test artifact. Skips, saying so, only
// where chromium is not installed (scripts/setup.sh installs it).

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "cron/cron_schedule.h"
#include "core/iso_time.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

std::string find_chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (std::filesystem::exists(path)) return path;
  return "";
}

class StatusPageBrowser : public LocalStackTest {
 protected:
  void SetUp() override {
    chromium_ = find_chromium();
    if (chromium_.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  }

  CommandResult chromium(const std::vector<std::string>& extra, const std::string& url) {
    std::vector<std::string> args = {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                     "--disable-extensions", "--user-data-dir=" + (dir_ / "chromium").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(url);
    Environment env = base_environment();
    env["HOME"] = dir_.path().string();
    return run_command(chromium_, args, env, 60s);
  }

  std::string chromium_;
};

TEST_F(StatusPageBrowser, ShowsWhatRan) {
  const std::string queue = create_queue("status-page");
  auto& worker = start_worker();
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  const auto c = client(queue);
  for (const char* args : {R"(["done"])", R"(["done"])", R"(["fail","<b>upstream</b> down"])",
                           R"(["discard","no such customer"])"})
    ASSERT_TRUE(c.enqueue("OutcomeJob", args));
  ASSERT_TRUE(eventually([&] { return lines_with(worker.log(), {"POST / status="}).size() == 4u; }, 20s))
      << worker.log();

  const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string url = worker.url("/_ebworker/status");
  const auto dump = chromium({"--dump-dom"}, url);
  const auto after = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  ASSERT_TRUE(dump.success()) << dump.describe();
  const std::string& dom = dump.out;

  // OutcomeJob: done 2, failed 1, retried 0, discarded 1, dead-lettered 0, skipped 0, not due 0,
  // continued 0, unknown and sent on 0, limited 0, 4 runs; under headings in the same order.
  EXPECT_NE(dom.find("<th>discarded</th><th>dead-lettered</th><th>skipped</th><th>not due</th><th>continued</th>"
                     "<th>unknown, sent on</th><th>limited</th><th>runs</th>"),
            std::string::npos)
      << dom;
  EXPECT_NE(dom.find("<td class=\"l\">OutcomeJob</td><td>2</td><td>1</td><td>0</td><td>1</td><td>0</td><td>0</td>"
                     "<td>0</td><td>0</td><td>0</td><td>0</td><td>4</td>"),
            std::string::npos)
      << dom;
  // The reason as text: the job's markup is shown, not rendered.
  EXPECT_NE(dom.find("job failed: &lt;b&gt;upstream&lt;/b&gt; down"), std::string::npos) << dom;
  EXPECT_EQ(dom.find("<b>upstream</b>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("4 jobs finished, 1 failed"), std::string::npos) << dom;
  // EchoJob's "*/5 * * * *" (the fixture's cron.yaml): its next run as of the page's moment.
  const auto schedule = CronSchedule::parse("*/5 * * * *");
  ASSERT_TRUE(schedule);
  const std::string next_before = iso8601_utc_seconds(*schedule->next_after(before));
  const std::string next_after = iso8601_utc_seconds(*schedule->next_after(after));
  EXPECT_TRUE(dom.find("<td>" + next_before + "</td>") != std::string::npos ||
              dom.find("<td>" + next_after + "</td>") != std::string::npos)
      << next_before << "\n" << dom;

  const std::filesystem::path artifacts = EBWORKER_ARTIFACTS_DIR;
  std::filesystem::create_directories(artifacts);
  const auto png = artifacts / "status_page.png";
  std::filesystem::remove(png);
  const auto shot = chromium({"--screenshot=" + png.string(), "--window-size=1200,1600", "--hide-scrollbars"}, url);
  ASSERT_TRUE(shot.success()) << shot.describe();
  ASSERT_TRUE(std::filesystem::exists(png)) << shot.describe();
  EXPECT_GT(std::filesystem::file_size(png), 10'000u) << "an empty page?";
  std::cout << "status page screenshot: " << png.string() << "\n";
  RecordProperty("screenshot", png.string());
}

}  // namespace
}  // namespace ebworker::testing
