// The status page: the figures it is given, in markup, and every text from a job or a request
// escaped, so a job's failure reason cannot inject markup or script.

#include "worker/status_page.h"

#include <gtest/gtest.h>

#include "cron/cron_schedule.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;

const auto kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 14} + 10h + 7min + 30s;

StatusPage a_page() {
  StatusPage page;
  page.now = kNow;
  page.job_threads = 8;
  page.jobs_running = 3;
  page.busy_total = 2;
  for (int i = 14; i >= 0; --i)
    page.minutes.push_back({.minute = std::chrono::floor<std::chrono::minutes>(kNow) - std::chrono::minutes(i),
                            .finished = i == 0 ? 7u : 0u, .failed = i == 0 ? 2u : 0u});
  JobCounters::JobSummary echo;
  echo.job = "EchoJob";
  echo.counts = {5, 2, 1, 3, 4, 0, 0};
  metrics::Histogram h({0.1, 1});
  for (int i = 0; i < 4; ++i) h.observe(0.05);
  echo.duration = h.snapshot();
  page.jobs.push_back(echo);
  page.failures.push_back({.at = kNow - 10s, .job = "FailJob", .job_id = "job-1", .message_id = "msg-1",
                           .reason = "job failed: <script>alert('x')</script> & \"more\""});
  page.tasks.push_back({.name = "NightlyCleanupJob", .url = "/periodic_tasks", .schedule = "0 3 * * *",
                        .next_run = CronSchedule::parse("0 3 * * *")->next_after(std::chrono::floor<std::chrono::seconds>(kNow))});
  return page;
}

TEST(StatusPage, ShowsTheFiguresItIsGiven) {
  const std::string html = render_status_page(a_page());
  EXPECT_NE(html.find("<td class=\"l\">EchoJob</td><td>5</td><td>2</td><td>1</td><td>3</td><td>4</td>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>4</td><td>50.0 ms</td><td>"), std::string::npos) << "runs and mean latency\n" << html;
  EXPECT_NE(html.find("3 of 8 in use; 2 requests refused busy (503)"), std::string::npos);
  EXPECT_NE(html.find("7 jobs finished, 2 failed"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"l\">10:07</td><td>7</td><td>2</td>"), std::string::npos);
  EXPECT_NE(html.find("2026-03-15T03:00:00Z"), std::string::npos) << "the task's next run";
  EXPECT_NE(html.find("<meta http-equiv=\"refresh\""), std::string::npos);
}

TEST(StatusPage, ShowsEachLimitItsUseHereAndItsDeferrals) {
  StatusPage page = a_page();
  EXPECT_EQ(render_status_page(page).find("id=\"limits\""), std::string::npos) << "no table without a limit";
  page.limits.push_back({.job = "SyncJob", .concurrency_max = 2, .in_use = 1, .deferred = {7, 0, 3, 0}});
  page.limits.push_back({.job = "CallApiJob", .rate_max = 10, .rate_per = 1000ms, .deferred = {0, 4, 0, 0}});
  const std::string html = render_status_page(page);
  EXPECT_NE(html.find("<tr><td class=\"l\">SyncJob</td><td>2 at once per key</td><td>1</td><td>-</td><td>7</td>"
                      "<td>0</td><td>3</td><td>0</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><td class=\"l\">CallApiJob</td><td>-</td><td>0</td><td>10 per 1000 ms per key</td><td>0</td>"
                      "<td>4</td>"),
            std::string::npos)
      << html;
}

TEST(StatusPage, ANoOpJobsMeanIsInMicroseconds) {
  StatusPage page = a_page();
  metrics::Histogram h({0.1, 1});
  for (int i = 0; i < 4; ++i) h.observe(0.000042);
  page.jobs.front().duration = h.snapshot();
  const std::string html = render_status_page(page);
  EXPECT_NE(html.find("<td>4</td><td>42 µs</td><td>"), std::string::npos) << "not \"0.0 ms\"\n" << html;
}

TEST(StatusPage, EscapesEveryTextThatCameFromAJob) {
  const std::string html = render_status_page(a_page());
  EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
  EXPECT_NE(html.find("job failed: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"),
            std::string::npos);
}

TEST(StatusPage, IsSelfContained) {
  const std::string html = render_status_page(a_page());
  for (const char* external : {"<script", "<link", "src=", "url(", "@import", "http://", "https://"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
}

TEST(StatusPage, HtmlEscapeCoversTextAndAttributes) {
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

}  // namespace
}  // namespace ebworker
