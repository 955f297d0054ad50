// Continuable jobs (ebworker/worker/job_steps.h) through fauxqs, `ebworker sqsd` and the worker:
// the example StepsJob appends each step's index to STEPS_JOB_OUT, so the file says from outside
// which steps ran and which ran twice. The worker's budget is 1 s (EBWORKER_JOB_TIME_BUDGET), so a
// run of steps of tens of milliseconds hands the rest on about once a second; its continuations
// go to its own queue (EBWORKER_QUEUE_URL), which is the daemon's.

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/support/local_stack.h"
#include "e2e/support/retrying_worker.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

class ContinuableJob : public LocalStackTest {
 protected:
  // A worker sending its continuations through `sqs_endpoint` (fauxqs unless a test says).
  WorkerProcess& start_steps_worker(const std::string& queue, EnvChanges changes = {},
                                    const std::string& sqs_endpoint = "") {
    EnvChanges env = retrying_worker_env(queue, "", sqs_endpoint.empty() ? fauxqs_.endpoint() : sqs_endpoint);
    env["EBWORKER_JOB_TIME_BUDGET"] = "1";
    env["STEPS_JOB_OUT"] = (dir_ / "steps.out").string();
    for (auto& [name, value] : changes) env[name] = value;
    return start_worker(env);
  }

  // The step indices written so far, in order.
  std::vector<int> steps() const {
    std::vector<int> out;
    std::istringstream lines(read_file(dir_ / "steps.out"));
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) out.push_back(std::stoi(line));
    return out;
  }
  bool steps_reach(std::size_t n, std::chrono::milliseconds timeout) const {
    return eventually([&] { return steps().size() >= n; }, timeout);
  }

  // How many times each step ran.
  std::map<int, int> runs_per_step() const {
    std::map<int, int> out;
    for (int s : steps()) ++out[s];
    return out;
  }

  static std::vector<std::string> steps_posts(const WorkerProcess& worker) {
    return lines_with(worker.log(), {"POST / status=", "job=StepsJob"});
  }
  static std::vector<std::string> continued(const std::vector<std::string>& posts) {
    std::vector<std::string> out;
    for (const auto& p : posts)
      if (p.find("status=200") != p.npos && p.find("reason=continued ") != p.npos) out.push_back(p);
    return out;
  }
  // The cursor a "continued in step steps at cursor N" line handed on.
  static int cursor_of(const std::string& post) {
    const auto at = post.find("at cursor ");
    return at == std::string::npos ? -1 : std::stoi(post.substr(at + 10));
  }
  static std::string msgid_of(const std::string& post) {
    const auto at = post.find(" msgid=");
    return post.substr(at + 7, post.find(' ', at + 7) - at - 7);
  }
  // Whether the one posts end in "status=200" (done, no reason) of the last run.
  static bool finished(const std::vector<std::string>& posts) {
    return std::any_of(posts.begin(), posts.end(), [](const std::string& p) {
      return p.find("status=200") != p.npos && p.find("reason=") == p.npos;
    });
  }
};

TEST_F(ContinuableJob, ALongJobFinishesThroughContinuationsEveryStepOnceAndEveryAnswer200) {
  const std::string queue = create_queue("steps");
  auto& worker = start_steps_worker(queue);
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "30"});
  ASSERT_TRUE(client(queue).enqueue("StepsJob", "[200, 30]"));

  ASSERT_TRUE(eventually([&] { return finished(steps_posts(worker)); }, 30s)) << worker.log();
  const auto posts = steps_posts(worker);
  // 200 steps of 30 ms with a budget of 1 s: at most 34 steps a run, so at least six runs.
  EXPECT_GE(continued(posts).size(), 4u) << worker.log();
  EXPECT_EQ(continued(posts).size() + 1, posts.size()) << worker.log();
  std::set<std::string> messages;
  for (const auto& post : posts) {
    EXPECT_NE(post.find("status=200"), std::string::npos) << post;
    messages.insert(msgid_of(post));
  }
  // No post repeated: each run was a message of its own, posted once.
  EXPECT_EQ(messages.size(), posts.size()) << worker.log();
  EXPECT_TRUE(lines_with(sqsd_log(), {"retry in"}).empty()) << sqsd_log();
  // Each continuation carried on from where the last one stopped; the last was resumption N.
  int last_cursor = 0;
  for (const auto& post : continued(posts)) {
    EXPECT_GT(cursor_of(post), last_cursor) << post;
    last_cursor = cursor_of(post);
    EXPECT_NE(post.find("(with its budget of 1 s spent; resumption "), std::string::npos) << post;
  }
  std::vector<int> expected(200);
  for (int i = 0; i < 200; ++i) expected[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(steps(), expected);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
  EXPECT_TRUE(worker.stop().success()) << worker.log();
}

TEST_F(ContinuableJob, SigtermCheckpointsAtTheNextStepAndASecondWorkerFinishesFromTheCursor) {
  const std::string queue = create_queue("steps-sigterm");
  // A budget that never runs out here: only the shutdown stops the first run.
  auto& first = start_steps_worker(queue, {{"EBWORKER_JOB_TIME_BUDGET", "600"}});
  const std::uint16_t port = first.port();
  start_sqsd(queue, first.url(""), {"--error-visibility-timeout", "1"});
  ASSERT_TRUE(client(queue).enqueue("StepsJob", "[60, 50]"));

  ASSERT_TRUE(steps_reach(10, 20s)) << first.log();
  first.send_signal(SIGTERM);
  const auto stopped = first.wait_for_exit(10s);
  ASSERT_TRUE(stopped && stopped->success()) << first.log();
  const auto handed = continued(steps_posts(first));
  ASSERT_EQ(handed.size(), 1u) << first.log();
  EXPECT_NE(handed[0].find("(for shutdown; resumption 1 sent)"), std::string::npos) << handed[0];
  const int checkpoint = cursor_of(handed[0]);
  // Within one step of the signal: what the file held then, give or take the step under way.
  EXPECT_GE(checkpoint, 10);
  EXPECT_LE(static_cast<std::size_t>(checkpoint), steps().size());

  auto& second = start_steps_worker(queue, {{"PORT", std::to_string(port)}, {"EBWORKER_JOB_TIME_BUDGET", "600"}});
  ASSERT_TRUE(eventually([&] { return finished(steps_posts(second)); }, 20s)) << second.log() << sqsd_log();
  EXPECT_FALSE(lines_with(second.log(), {"job=StepsJob resumption 1"}).empty()) << second.log();
  // Every step once: none before the checkpoint again, none after it skipped.
  std::vector<int> expected(60);
  for (int i = 0; i < 60; ++i) expected[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(steps(), expected);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
}

TEST_F(ContinuableJob, AfterKillMinus9OnlyTheStepsSinceTheLastContinuationRunAgain) {
  const std::string queue = create_queue("steps-kill");
  auto& first = start_steps_worker(queue);
  const std::uint16_t port = first.port();
  start_sqsd(queue, first.url(""), {"--visibility-timeout", "3", "--error-visibility-timeout", "1"});
  ASSERT_TRUE(client(queue).enqueue("StepsJob", "[80, 50]"));

  // Once one continuation is out and its run has done a few steps of its own, kill the worker.
  ASSERT_TRUE(eventually([&] { return !continued(steps_posts(first)).empty(); }, 20s)) << first.log();
  const int checkpoint = cursor_of(continued(steps_posts(first)).back());
  ASSERT_TRUE(steps_reach(static_cast<std::size_t>(checkpoint) + 4, 10s)) << first.log();
  first.send_signal(SIGKILL);
  ASSERT_TRUE(first.wait_for_exit(5s));
  ASSERT_EQ(continued(steps_posts(first)).size(), 1u) << "a second continuation went out before the kill";
  const std::size_t done_before_kill = steps().size();

  auto& second = start_steps_worker(queue, {{"PORT", std::to_string(port)}});
  ASSERT_TRUE(eventually([&] { return finished(steps_posts(second)); }, 30s)) << second.log() << sqsd_log();
  const auto runs = runs_per_step();
  ASSERT_EQ(runs.size(), 80u);
  for (const auto& [step, times] : runs) {
    SCOPED_TRACE("step " + std::to_string(step));
    // Before the continuation: once. Since it, up to the kill: at most twice. After: once.
    if (step < checkpoint || static_cast<std::size_t>(step) >= done_before_kill) {
      EXPECT_EQ(times, 1);
    } else {
      EXPECT_LE(times, 2);
    }
  }
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
}

TEST_F(ContinuableJob, AContinuationThatCannotBeSentIsNo200AndTheMessageComesBackWhole) {
  const FakeHttpServer refusing([](const Request&) { return Response::refuse(500, "InternalError"); });
  const std::string queue = create_queue("steps-refused");
  auto& worker = start_steps_worker(queue, {}, refusing.url());
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "1"});
  auto sent = client(queue).enqueue("StepsJob", "[1000, 20]");
  ASSERT_TRUE(sent);

  ASSERT_TRUE(eventually([&] { return worker.request_lines(sent->message_id).size() >= 2; }, 20s))
      << worker.log() << sqsd_log();
  for (const auto& post : worker.request_lines(sent->message_id)) {
    EXPECT_NE(post.find("status=500"), std::string::npos) << post;
    EXPECT_NE(post.find("reason=stopped with its budget of 1 s spent in step steps at cursor "), std::string::npos) << post;
    EXPECT_NE(post.find("; its continuation could not be sent ("), std::string::npos) << post;
    EXPECT_NE(post.find("): the message comes back whole"), std::string::npos) << post;
  }
  // The message came back as it was sent: its second run started again from step 0.
  EXPECT_GE(runs_per_step()[0], 2) << read_file(dir_ / "steps.out");
  EXPECT_EQ(messages_in(queue), 1);
}

// The "done when": behind a daemon that never extends visibility (as aws-sqsd), with an
// inactivity timeout of 2 s and a visibility of 3 s, a job of 20 s (ten inactivity timeouts)
// completes, through a worker restart, every step once and every answer 200.
TEST_F(ContinuableJob, AJobTenInactivityTimeoutsLongCompletesBehindNoHeartbeatThroughARestart) {
  const std::string queue = create_queue("steps-long");
  auto& first = start_steps_worker(queue);
  const std::uint16_t port = first.port();
  start_sqsd(queue, first.url(""),
             {"--no-heartbeat", "--inactivity-timeout", "2", "--visibility-timeout", "3",
              "--error-visibility-timeout", "1"});
  ASSERT_TRUE(client(queue).enqueue("StepsJob", "[100, 200]"));

  ASSERT_TRUE(steps_reach(30, 20s)) << first.log();
  EXPECT_TRUE(first.stop().success()) << first.log();
  auto& second = start_steps_worker(queue, {{"PORT", std::to_string(port)}});
  ASSERT_TRUE(eventually([&] { return finished(steps_posts(second)); }, 40s)) << second.log() << sqsd_log();

  std::vector<std::string> posts = steps_posts(first);
  const auto more = steps_posts(second);
  posts.insert(posts.end(), more.begin(), more.end());
  EXPECT_GE(continued(posts).size(), 15u);
  // Every run handed on or finished with 200; only a post that met the first worker shutting
  // down may have been answered otherwise (503), and come back.
  for (const auto& post : posts) {
    if (post.find("status=200") == std::string::npos) {
      EXPECT_NE(post.find("status=503"), std::string::npos) << post;
    }
  }
  std::vector<int> expected(100);
  for (int i = 0; i < 100; ++i) expected[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(steps(), expected);
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
}

}  // namespace
}  // namespace ebworker::testing
