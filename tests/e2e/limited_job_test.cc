// Flow control through the whole pipeline: fauxqs, dynalite as the limits table, two
// `ebworker serve` workers each fed by its own `ebworker sqsd`. The example LimitedJob (at most 2
// at once per arguments[0]) writes `KEY START_MS END_MS` per run; the runs' own timestamps show
// the limit held across both workers, and that another key ran beside it. A worker killed mid-run
// leaves its slots to expire within the job's lease (10 s), and then the key runs again. Workers
// that poll the queue themselves (no sqsd) hold the same limit, their deferred runs coming back.

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/support/retrying_worker.h"
#include "support/chaos_proxy.h"
#include "support/dynalite_process.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

struct LimitedRun {
  std::string key;
  long long start_ms = 0;
  long long end_ms = 0;
};

std::vector<LimitedRun> runs_in(const std::string& text) {
  std::vector<LimitedRun> out;
  std::istringstream lines(text);
  for (LimitedRun r; lines >> r.key >> r.start_ms >> r.end_ms;) out.push_back(r);
  return out;
}

// The most runs in progress at one time, of `key` (or of any key when empty). A run that ends
// in the millisecond another starts does not overlap it.
int most_at_once(const std::vector<LimitedRun>& runs, const std::string& key = "") {
  std::multimap<long long, int> edges;  // at a tie, -1 (an end) sorts before +1 (a start)
  for (const auto& r : runs) {
    if (!key.empty() && r.key != key) continue;
    edges.emplace(r.start_ms * 2 + 1, +1);
    edges.emplace(r.end_ms * 2, -1);
  }
  int now = 0, most = 0;
  for (const auto& [at, step] : edges) most = std::max(most, now += step);
  return most;
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class FlowControl : public LocalStackTest {
 protected:
  FlowControl() { dynalite_.table("limits"); }

  EnvChanges limited_worker_env() const {
    EnvChanges env = retrying_worker_env(queue_, dead_letters_, fauxqs_.endpoint());
    env["EBWORKER_SQS_MAX_ATTEMPTS"] = "3";
    env["EBWORKER_LIMITS_TABLE"] = "limits";
    env["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite_.endpoint();
    env["LIMITED_JOB_OUT"] = (dir_ / "limited.out").string();
    return env;
  }
  void start_pair(const EnvChanges& changes = {}) {
    EnvChanges env = limited_worker_env();
    for (const auto& [name, value] : changes) env[name] = value;
    auto& worker = start_worker(env);
    // Long polls of 1 s: a receive a killed daemon left waiting at fauxqs ends within a second.
    start_sqsd(queue_, worker.url(""), {"--visibility-timeout", "60", "--error-visibility-timeout", "1",
                                        "--http-connections", "8", "--wait-time", "1"});
  }
  std::vector<LimitedRun> limited_runs() const { return runs_in(read_file(dir_ / "limited.out")); }
  void enqueue(const std::string& key, int ms, int count, const std::string& job = "LimitedJob") {
    std::vector<JobToEnqueue> batch;
    for (int i = 0; i < count; ++i) batch.push_back({job, "[\"" + key + "\", " + std::to_string(ms) + "]", {}});
    for (const auto& sent : client(queue_).enqueue_batch(batch)) ASSERT_TRUE(sent) << sent.error().describe();
  }
  std::string logs() const {
    std::string all;
    for (const auto& w : workers_) all += w->log();
    return all;
  }

  DynaliteProcess dynalite_;
  std::string dead_letters_ = create_queue("limited-dead");
  std::string queue_ = create_queue("limited");
};

TEST_F(FlowControl, FortyRunsOfOneKeyNeverMoreThanTwoAtOnceAcrossTwoWorkers) {
  start_pair();
  start_pair();
  const auto started = now_ms();
  enqueue("acct-1", 300, 40);
  enqueue("acct-2", 300, 4);  // another key: not held back by acct-1's limit

  std::vector<LimitedRun> all;
  const bool finished = eventually(
      [&] {
        all = limited_runs();
        return all.size() >= 44;
      },
      100s);
  ASSERT_TRUE(finished) << all.size() << " of 44 runs within 100 s\n" << logs();
  EXPECT_TRUE(eventually([&] { return messages_in(queue_) == 0; }, 10s)) << messages_in(queue_) << " left";
  all = limited_runs();
  int acct_1 = 0;
  long long last_end = 0;
  for (const auto& r : all) {
    acct_1 += r.key == "acct-1";
    last_end = std::max(last_end, r.end_ms);
  }
  EXPECT_EQ(acct_1, 40) << "runs of acct-1 (each once: none lost, none twice)";
  EXPECT_EQ(all.size(), 44u);
  EXPECT_EQ(most_at_once(all, "acct-1"), 2) << "the limit of 2 at once per key";
  EXPECT_LE(most_at_once(all, "acct-2"), 2);
  EXPECT_GT(most_at_once(all), 2) << "acct-2 never ran beside acct-1's two";
  // 40 runs of 300 ms, 2 at a time: 6 s at the least.
  EXPECT_GE(last_end - started, 6000);
  EXPECT_EQ(messages_in(dead_letters_), 0) << "dead-lettered";
  const auto deferred = lines_with(logs(), {"status=200", "limited: LimitedJob acct-1 has its 2 runs at once"});
  EXPECT_FALSE(deferred.empty()) << "no run was deferred: the test did not saturate the key";
  std::printf("[ e2e      ] 44 runs in %.1f s, %zu deferrals sent on\n", (last_end - started) / 1000.0,
              deferred.size());
}

TEST_F(FlowControl, AKilledWorkersSlotsAreFreeWithinTheLease) {
  start_pair();
  enqueue("acct-9", 30000, 2);  // both slots, for longer than the test waits
  const auto lease_of = [&](int slot) {
    auto lease = dynalite_.table("limits", false)->read(slot_key("LimitedJob", "acct-9", slot));
    return lease ? *lease : std::nullopt;
  };
  ASSERT_TRUE(eventually([&] { return lease_of(0) && lease_of(1); }, 20s)) << logs();
  // Its daemon first, without the clean stop that would hand the long runs' messages back, and
  // before it sees the worker die (a post that fails hands the message back in 1 s): they stay
  // invisible (60 s) while the key's slots are the dead worker's.
  sqsds_.front()->send_signal(SIGKILL);
  ASSERT_TRUE(sqsds_.front()->wait_for_exit(5s));
  const auto daemon_killed = now_ms();
  workers_.front()->send_signal(SIGKILL);
  ASSERT_TRUE(workers_.front()->wait_for_exit(5s));
  const auto killed = now_ms();
  // Nobody renews the slots now: each runs out within the lease (10 s) of the kill, a whole
  // second more as expiry is kept in seconds.
  const auto first = lease_of(0), second = lease_of(1);
  ASSERT_TRUE(first && second) << "the dead worker's slots were gone at once";
  const auto ms_of = [](std::chrono::system_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  };
  const long long freed = ms_of(std::min(first->expires_at, second->expires_at));
  EXPECT_LE(ms_of(std::max(first->expires_at, second->expires_at)), killed + 11000) << "a slot outlives its lease";

  start_pair();
  // The killed daemon's last receive may still be waiting at fauxqs: it would take the message
  // for the visibility timeout. Nothing outside shows when it ends; its long poll is 1 s.
  std::this_thread::sleep_until(std::chrono::system_clock::now() +
                                std::chrono::milliseconds(std::max(0LL, daemon_killed + 1500 - now_ms())));
  enqueue("acct-9", 10, 1);
  std::vector<LimitedRun> ran;
  ASSERT_TRUE(eventually(
      [&] {
        ran = limited_runs();
        return !ran.empty();
      },
      45s))
      << "the key never ran again after its holder was killed\n"
      << logs();
  // Not before a dead worker's slot ran out (a second's grace: expiry is compared in seconds).
  EXPECT_GE(ran.front().start_ms, freed - 1000) << "ran while both slots were the dead worker's";
  EXPECT_FALSE(lines_with(logs(), {"limited: LimitedJob acct-9"}).empty())
      << "the run was not deferred while the dead worker's slots were held";
}

// RatedJob: 5 starts per second per key. From the runs' own start times, no 1 s window holds more
// than 5 of them; the window is 100 ms shorter than the limit's, for the time between a slot's
// put and perform()'s first line.
TEST_F(FlowControl, FiveStartsPerSecondNeverMoreInAnyWindow) {
  start_pair();
  start_pair();
  const auto started = now_ms();
  enqueue("partner-1", 50, 20, "RatedJob");
  std::vector<LimitedRun> all;
  ASSERT_TRUE(eventually(
      [&] {
        all = limited_runs();
        return all.size() >= 20;
      },
      60s))
      << all.size() << " of 20 runs within 60 s\n"
      << logs();
  EXPECT_TRUE(eventually([&] { return messages_in(queue_) == 0; }, 10s)) << messages_in(queue_) << " left";
  all = limited_runs();
  EXPECT_EQ(all.size(), 20u);
  std::vector<long long> starts;
  for (const auto& r : all) starts.push_back(r.start_ms);
  std::sort(starts.begin(), starts.end());
  int most = 0;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    int in_window = 0;
    for (std::size_t j = i; j < starts.size() && starts[j] < starts[i] + 900; ++j) ++in_window;
    most = std::max(most, in_window);
  }
  EXPECT_LE(most, 5) << "more than 5 starts within 900 ms";
  // 20 starts, 5 per second: the last at least 3 s after the first.
  EXPECT_GE(starts.back() - starts.front(), 3000 - 100 * 3);
  EXPECT_EQ(messages_in(dead_letters_), 0) << "dead-lettered";
  EXPECT_FALSE(lines_with(logs(), {"rate limited: RatedJob partner-1 started its 5 runs in 1000 ms"}).empty());
  std::printf("[ e2e      ] 20 runs at 5/s in %.1f s\n", (starts.back() - started) / 1000.0);
}

TEST_F(FlowControl, WorkersPollingTheQueueThemselvesHoldTheLimitAndDeferredRunsComeBack) {
  for (int i = 0; i < 2; ++i) {
    EnvChanges env = limited_worker_env();
    env["EBWORKER_JOB_THREADS"] = "8";
    env["EBWORKER_SQSD_VISIBILITY_TIMEOUT"] = "60";
    env["EBWORKER_SQSD_ERROR_VISIBILITY_TIMEOUT"] = "1";
    start_polling_worker(queue_, env);
  }
  enqueue("acct-1", 300, 12);
  std::vector<LimitedRun> all;
  ASSERT_TRUE(eventually(
      [&] {
        all = limited_runs();
        return all.size() >= 12;
      },
      60s))
      << all.size() << " of 12 runs within 60 s\n"
      << logs();
  EXPECT_TRUE(eventually([&] { return messages_in(queue_) == 0; }, 10s)) << messages_in(queue_) << " left";
  all = limited_runs();
  EXPECT_EQ(all.size(), 12u) << "each run once: none lost, none twice";
  EXPECT_EQ(most_at_once(all, "acct-1"), 2) << "the limit of 2 at once per key";
  EXPECT_EQ(messages_in(dead_letters_), 0) << "dead-lettered";
  EXPECT_FALSE(lines_with(logs(), {"status=200", "limited: LimitedJob acct-1 has its 2 runs at once"}).empty())
      << "no run was deferred: the test did not saturate the key\n"
      << logs();
}

// The limits table goes silent (every connection closed unanswered), then throttles (every request
// answered ThrottlingException), then answers again: while it fails no limited run starts (fail
// closed), each message is deferred and comes back, and once it answers every job runs once.
TEST_F(FlowControl, WhileTheTableDoesNotAnswerOrThrottlesNoLimitedJobRunsAndEachRunsOnceItIsBack) {
  const std::string& endpoint = dynalite_.endpoint();  // http://127.0.0.1:PORT/
  const auto port = static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
  ChaosProxy dynamo("127.0.0.1", port, {}, 7);
  start_pair({{"AWS_ENDPOINT_URL_DYNAMODB", dynamo.url()}});  // the table is checked at start: up then
  const auto deferred_while = [&](std::string_view why) {
    return lines_with(logs(), {"status=200", "limits table unreachable, LimitedJob acct-d deferred (fail closed)", why}).size();
  };

  dynamo.set_rates({.drop_before = 1.0});
  enqueue("acct-d", 10, 3);
  ASSERT_TRUE(eventually([&] { return deferred_while("") >= 3; }, 30s)) << "no deferral while it is silent\n" << logs();
  dynamo.set_rates({.throttled_coral = 1.0});
  const std::size_t silent = deferred_while("");
  ASSERT_TRUE(eventually([&] { return deferred_while("Throttling") >= 3; }, 40s))
      << "no deferral while it throttles\n" << logs();
  EXPECT_TRUE(limited_runs().empty()) << "a limited job ran while its table failed";
  EXPECT_GT(deferred_while(""), silent);

  dynamo.set_rates({});
  std::vector<LimitedRun> ran;
  ASSERT_TRUE(eventually(
      [&] {
        ran = limited_runs();
        return ran.size() >= 3;
      },
      60s))
      << ran.size() << " of 3 ran once the table answered\n" << logs();
  EXPECT_TRUE(eventually([&] { return messages_in(queue_) == 0; }, 10s)) << messages_in(queue_) << " left";
  EXPECT_EQ(limited_runs().size(), 3u) << "each once";
  EXPECT_EQ(messages_in(dead_letters_), 0) << "dead-lettered";
  EXPECT_EQ(lines_with(logs(), {"does not answer", "runs of limited classes are deferred"}).size(), 1u)
      << "one warning for the episode";
  EXPECT_FALSE(lines_with(logs(), {"limits table limits answers again"}).empty());
}

}  // namespace
}  // namespace ebworker::testing
