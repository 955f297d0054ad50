// A periodic task end to end, without waiting for wall-clock minutes: the cron leader
// (PeriodicScheduler) runs here with a clock the test sets, and sends the scheduled-job message
// to fauxqs at the due time; a real `ebworker sqsd` receives it and posts it to /periodic_tasks,
// of a real worker (EchoJob runs with no arguments) or of a capture endpoint (exact headers).

#include <gtest/gtest.h>

#include "core/iso_time.h"
#include "core/text.h"
#include "e2e/support/local_stack.h"
#include "sqsd/periodic_scheduler.h"
#include "sqsd/worker_post.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

using Time = PeriodicScheduler::Time;

Time at(std::string_view iso) {
  auto t = parse_iso8601_utc(iso);
  if (!t) throw std::runtime_error("bad time " + std::string(iso));
  return *t;
}

CronTask echo_task() {
  auto schedule = CronSchedule::parse("*/5 * * * *");
  if (!schedule) throw std::runtime_error(schedule.error().message);
  return CronTask{"EchoJob", "/periodic_tasks", *schedule, 1};
}

class PeriodicTask : public LocalStackTest {
 protected:
  // A leader whose clock reads `now_`, sending to `queue` on fauxqs.
  PeriodicScheduler leader(const std::string& queue) {
    return PeriodicScheduler(
        {echo_task()},
        [this, queue](const CronTask& task, Time scheduled) -> Status {
          ++sent_;
          auto sent = fauxqs_.sqs().send_message(queue, scheduled_job_message(task, scheduled));
          if (!sent) return fail(sent.error().describe());
          return {};
        },
        [this] { return now_; });
  }

  Time now_ = at("2031-03-04T05:06:30Z");
  int sent_ = 0;
};

TEST_F(PeriodicTask, RunsOnTheWorkerThroughTheQueue) {
  const std::string queue = create_queue("periodic");
  auto& worker = start_worker();
  auto& sqsd = start_sqsd(queue, worker.url(""));
  PeriodicScheduler scheduler = leader(queue);

  EXPECT_EQ(scheduler.tick(), at("2031-03-04T05:10:00Z"));
  EXPECT_EQ(sent_, 0);
  now_ = at("2031-03-04T05:10:00Z");
  EXPECT_EQ(scheduler.tick(), at("2031-03-04T05:15:00Z"));
  ASSERT_EQ(sent_, 1);

  const auto line = worker.wait_for_line(
      [](std::string_view l) { return l.find("POST /periodic_tasks status=") != l.npos; }, 20s);
  ASSERT_TRUE(line) << "worker log:\n" << worker.log() << "\nsqsd log:\n" << sqsd_log(0);
  EXPECT_NE(line->find(" status=200 "), std::string::npos) << *line;
  EXPECT_NE(line->find(" job=EchoJob "), std::string::npos) << *line;
  EXPECT_TRUE(eventually([&] { return echo_output() == "[]\n"; }, 5s)) << echo_output();
  EXPECT_TRUE(sqsd.wait_for_line("task=EchoJob status=200", 5s)) << sqsd_log(0);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 5s));
}

TEST_F(PeriodicTask, HeadersAtACaptureEndpoint) {
  const std::string queue = create_queue("periodic-capture");
  FakeHttpServer capture([](const Request&) { return Response::ok(); });
  start_sqsd(queue, capture.url(), {"--http-path", "/jobs"});
  PeriodicScheduler scheduler = leader(queue);
  scheduler.tick();
  now_ = at("2031-03-04T05:10:00Z");
  scheduler.tick();
  ASSERT_EQ(sent_, 1);

  ASSERT_TRUE(capture.wait_for_requests(1, 20s)) << sqsd_log(0);
  const CapturedRequest r = capture.requests().front();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/periodic_tasks");  // the task's url, not the HttpPath
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.headers.get("X-Aws-Sqsd-Taskname"), "EchoJob");
  EXPECT_EQ(r.headers.get("X-Aws-Sqsd-Scheduled-At"), "2031-03-04T05:10:00Z");
  EXPECT_EQ(r.headers.get("X-Aws-Sqsd-Path"), "/periodic_tasks");
  EXPECT_TRUE(istarts_with(r.headers.get("User-Agent"), "aws-sqsd"));
  EXPECT_EQ(r.headers.get("X-Aws-Sqsd-Queue"), "periodic-capture");
  EXPECT_EQ(r.headers.get("X-Aws-Sqsd-Receive-Count"), "1");
  EXPECT_FALSE(r.headers.get("X-Aws-Sqsd-Msgid").empty());
  // The daemon's own attributes are not forwarded, and nobody signs a periodic task.
  for (const auto& [name, value] : r.headers.fields()) {
    EXPECT_FALSE(istarts_with(name, "X-Aws-Sqsd-Attr-")) << name << ": " << value;
  }
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 5s));
}

}  // namespace
}  // namespace ebworker::testing
