// Chaos: N signed EchoJobs go through fauxqs → a misbehaving proxy (tests/support/chaos_proxy.h)
// → `ebworker sqsd` → `ebworker serve`, while the test SIGKILLs the worker and the daemon in
// turn, each restarted on the same port and configuration, and the proxy fails, throttles,
// drops and slows the daemon's SQS requests. The queue has a dead-letter queue with a small
// maxReceiveCount. When the queue is empty, every job must have been performed at least once
// (EchoJob's file) or sit in the dead-letter queue with its body and digest intact: nothing
// lost. One job in 100 is a FailingJob, which must end there, so that path is always taken.
// Duplicates are counted, not failed on (delivery is at-least-once).
//
// The kills are driven by progress: kill k of K comes once k/(K+1) of the jobs are accounted
// for (performed or dead-lettered) and at least one more since the previous kill. Sized by the
// environment (defaults fit the test command under ASan on 2 cores):
//   EBWORKER_CHAOS_JOBS (1000)        jobs enqueued
//   EBWORKER_CHAOS_KILLS (20)         kills in all, alternating worker and daemon
//   EBWORKER_CHAOS_SEED (20261201)    the proxy's PRNG seed
//   EBWORKER_CHAOS_CONNECTIONS (10)   the daemon's HttpConnections = the worker's job threads
//   EBWORKER_CHAOS_MAX_RECEIVES (3)   the redrive policy's maxReceiveCount
//   EBWORKER_CHAOS_TIMEOUT (100)      seconds for all of it, from the first enqueue
//   EBWORKER_CHAOS_STALL (30)         seconds without any progress that fail the test as a stall
// bench/chaos/run.sh runs the long variant (10,000+ jobs, more kills) with the same binary.

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "e2e/support/local_stack.h"
#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "support/chaos_proxy.h"

namespace ebworker::testing {
namespace {

using Clock = std::chrono::steady_clock;

long setting(const char* name, long fallback, long lo, long hi) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < lo || value > hi)
    throw std::invalid_argument(std::string(name) + " must be a number from " + std::to_string(lo) + " to " +
                                std::to_string(hi) + ", not \"" + text + "\"");
  return value;
}

struct Settings {
  int jobs = static_cast<int>(setting("EBWORKER_CHAOS_JOBS", 1000, 1, 1'000'000));
  int kills = static_cast<int>(setting("EBWORKER_CHAOS_KILLS", 20, 0, 10'000));
  std::uint64_t seed = static_cast<std::uint64_t>(setting("EBWORKER_CHAOS_SEED", 20261201, 0, 1L << 62));
  int connections = static_cast<int>(setting("EBWORKER_CHAOS_CONNECTIONS", 10, 1, 100));
  int max_receives = static_cast<int>(setting("EBWORKER_CHAOS_MAX_RECEIVES", 3, 1, 1000));
  std::chrono::seconds timeout{setting("EBWORKER_CHAOS_TIMEOUT", 100, 10, 36'000)};
  std::chrono::seconds stall{setting("EBWORKER_CHAOS_STALL", 30, 5, 3'600)};
};

// The faults per SQS request of the daemon: about one request in five.
ChaosRates chaos_rates() {
  ChaosRates r;
  r.server_error = 0.03;
  r.throttled_sqs = 0.02;
  r.throttled_coral = 0.02;
  r.throttled_429 = 0.02;
  r.drop_before = 0.03;
  r.drop_after = 0.03;
  r.slow = 0.05;
  r.slow_min = std::chrono::milliseconds(200);
  r.slow_max = std::chrono::milliseconds(1500);
  return r;
}

// The daemon's timeouts: a message a killed daemon held (or whose receive answer the proxy
// dropped) comes back after kVisibility; one the worker refused after kErrorVisibility.
constexpr int kVisibility = 6;
constexpr int kErrorVisibility = 1;

constexpr int kFailingEvery = 100;  // job i is a FailingJob when i % kFailingEvery == kFailingEvery - 1

std::string id_of(int i) { return "chaos-" + std::to_string(i); }
bool failing(int i) { return i % kFailingEvery == kFailingEvery - 1; }

// EchoJob's output file read as it grows: one `["chaos-N"]` line per run.
class EchoTally {
 public:
  void update(const std::string& text) {
    const size_t complete = text.rfind('\n');
    if (complete == std::string::npos || complete + 1 <= offset_) return;
    for (size_t start = offset_, end; (end = text.find('\n', start)) != std::string::npos && end <= complete;
         start = end + 1) {
      const std::string_view line(text.data() + start, end - start);
      const auto open = line.find("\"chaos-");
      const auto close = open == line.npos ? line.npos : line.find('"', open + 1);
      if (close != line.npos) {
        ++counts_[std::string(line.substr(open + 1, close - open - 1))];
        ++runs_;
      } else {
        ++unexpected_;
      }
    }
    offset_ = complete + 1;
  }
  const std::map<std::string, int>& counts() const { return counts_; }
  size_t runs() const { return runs_; }
  size_t unexpected() const { return unexpected_; }

 private:
  size_t offset_ = 0;
  size_t runs_ = 0;
  size_t unexpected_ = 0;
  std::map<std::string, int> counts_;
};

size_t count_lines(const std::string& text, std::initializer_list<std::string_view> needles) {
  return lines_with(text, needles).size();
}

class Chaos : public LocalStackTest {
 protected:
  // A daemon whose SQS endpoint is the proxy. Its start-up GetQueueAttributes meets the faults
  // too and can spend its retries, in which case it exits and is started again (at most 5 times).
  void start_chaos_sqsd() {
    for (int attempt = 1; attempt <= 5; ++attempt) {
      Environment env = sqsd_env();
      env["AWS_ENDPOINT_URL_SQS"] = proxy_->url();
      const auto log = dir_ / ("sqsd-" + std::to_string(sqsds_.size()) + ".log");
      sqsd_logs_.push_back(log);
      sqsds_.push_back(std::make_unique<Process>(Process::Options{
          .program = EBWORKER_BINARY,
          .args = {"sqsd", "--queue-url", queue_, "--worker-url", worker_url_, "--wait-time", "1", "--leader=false",
                   "--log-level=info", "--http-connections", std::to_string(settings_.connections),
                   "--visibility-timeout", std::to_string(kVisibility), "--error-visibility-timeout",
                   std::to_string(kErrorVisibility)},
          .env = env,
          .workdir = dir_.path(),
          .stdout_path = log,
          .stderr_path = {}}));
      Process& sqsd = *sqsds_.back();
      if (sqsd.wait_for_line("sqsd polling", 20s)) return;
      if (sqsd.running()) {
        sqsd.kill_and_reap();
        throw std::runtime_error("ebworker sqsd did not log \"sqsd polling\" within 20 s; its log:\n" +
                                 read_file(log));
      }
      ++sqsd_start_failures_;
      std::printf("[ chaos    ] sqsd exited before polling (%s), starting it again: %s\n",
                  sqsd.exit_status()->describe().c_str(), read_file(log).c_str());
    }
    throw std::runtime_error("ebworker sqsd failed to start 5 times in a row");
  }

  void start_chaos_worker() {
    const EnvChanges changes = {{"PORT", std::to_string(worker_port_)},
                                {"EBWORKER_JOB_THREADS", std::to_string(settings_.connections)},
                                {"EBWORKER_LOG_LEVEL", "info"}};
    // The same port again: rarely, an outgoing connection has just taken it as its local port
    // and the bind fails, so a few attempts.
    for (int attempt = 1;; ++attempt) {
      try {
        start_worker(changes);
        break;
      } catch (const std::runtime_error& e) {
        if (attempt == 3) throw;
        std::printf("[ chaos    ] the worker did not start (%s), starting it again\n", e.what());
      }
    }
    WorkerProcess& worker = *workers_.back();
    if (worker_port_ == 0) {
      worker_port_ = worker.port();
      worker_url_ = worker.url("");
    }
  }

  template <typename P>
  static void kill9(P& process, const char* what) {
    process.send_signal(SIGKILL);
    const auto status = process.wait_for_exit(10s);
    if (!status || status->exited || status->signal != SIGKILL)
      throw std::runtime_error(std::string(what) + " did not die of SIGKILL: " +
                               (status ? status->describe() : std::string("still running")));
  }

  Settings settings_;
  std::string queue_;
  std::string worker_url_;
  std::uint16_t worker_port_ = 0;
  int sqsd_start_failures_ = 0;
  // Declared here so it outlives TearDown, which stops the daemons (their last requests go
  // through it).
  std::unique_ptr<ChaosProxy> proxy_;
};

TEST_F(Chaos, EveryJobIsPerformedOrDeadLetteredIntactThroughKillsAndFaults) {
  const Settings& s = settings_;
  const std::string dead_letters = create_queue("chaos-dead-letters");
  const auto arn = fauxqs_.sqs().get_queue_attributes(dead_letters, {"QueueArn"});
  ASSERT_TRUE(arn && arn->count("QueueArn")) << (arn ? "no QueueArn" : arn.error().describe());
  queue_ = create_queue("chaos", {{"RedrivePolicy", "{\"deadLetterTargetArn\":\"" + arn->at("QueueArn") +
                                                        "\",\"maxReceiveCount\":\"" +
                                                        std::to_string(s.max_receives) + "\"}"},
                                  {"VisibilityTimeout", std::to_string(kVisibility)}});

  proxy_ = std::make_unique<ChaosProxy>("127.0.0.1", fauxqs_.port(), chaos_rates(), s.seed);
  start_chaos_worker();
  start_chaos_sqsd();
  std::printf("[ chaos    ] %d jobs, %d kills, seed %llu, %d connections, maxReceiveCount %d, proxy %s\n", s.jobs,
              s.kills, static_cast<unsigned long long>(s.seed), s.connections, s.max_receives,
              proxy_->url().c_str());

  // The jobs, signed, straight to fauxqs (the proxy stands only before the daemon).
  const auto started = Clock::now();
  const auto deadline = started + s.timeout;
  std::vector<JobToEnqueue> jobs;
  for (int i = 0; i < s.jobs; ++i)
    jobs.push_back({failing(i) ? "FailingJob" : "EchoJob", "[\"" + id_of(i) + "\"]", {}});
  const auto results = client(queue_).enqueue_batch(jobs);
  ASSERT_EQ(results.size(), jobs.size());
  struct Sent {
    Enqueued enqueued;
    std::string job_class;
  };
  std::map<std::string, Sent> sent;  // id → its job class, message id and job id
  for (int i = 0; i < s.jobs; ++i) {
    ASSERT_TRUE(results[i]) << id_of(i) << ": " << results[i].error().describe();
    sent.emplace(id_of(i), Sent{*results[i], jobs[i].job});
  }

  // Kill in turn as the jobs get accounted for; then wait for the queue to empty.
  EchoTally tally;
  int worker_kills = 0, sqsd_kills = 0;
  int dead = 0, progress = 0, last_kill_progress = -1, left = s.jobs;
  auto last_change = Clock::now();
  int last_seen = -1;
  bool drained = false, stalled = false;
  for (int round = 0; round < 1'000'000 && Clock::now() < deadline; ++round) {
    tally.update(echo_output());
    dead = messages_in(dead_letters);
    left = messages_in(queue_);
    progress = static_cast<int>(tally.counts().size()) + dead;
    const int kills_done = worker_kills + sqsd_kills;
    if (kills_done >= s.kills && left == 0) {
      drained = true;
      break;
    }
    if (progress + left != last_seen) {
      last_seen = progress + left;
      last_change = Clock::now();
    } else if (Clock::now() - last_change > s.stall) {
      stalled = true;
      break;
    }
    const long long threshold = static_cast<long long>(kills_done + 1) * s.jobs / (s.kills + 1);
    if (kills_done < s.kills && progress >= threshold && progress > last_kill_progress) {
      last_kill_progress = progress;
      if (kills_done % 2 == 0) {
        kill9(*workers_.back(), "the worker");
        ++worker_kills;
        start_chaos_worker();
      } else {
        kill9(*sqsds_.back(), "ebworker sqsd");
        ++sqsd_kills;
        start_chaos_sqsd();
      }
      continue;
    }
    std::this_thread::sleep_for(100ms);  // polling interval: each round reads the file and the queues
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const ChaosCounts faults = proxy_->counts();

  // Everything in the dead-letter queue, each received once (a long visibility timeout).
  auto signer = Signer::create(std::string(kE2eKey));
  ASSERT_TRUE(signer);
  std::set<std::string> dead_intact;
  std::vector<std::string> dead_damaged;
  const int dead_expected = messages_in(dead_letters);
  for (int poll = 0; poll < dead_expected / 10 + 50 && static_cast<int>(dead_intact.size() + dead_damaged.size()) <
                                                           dead_expected;
       ++poll) {
    auto got = fauxqs_.sqs().receive_messages(dead_letters,
                                              {.max_messages = 10, .wait_seconds = 1, .visibility_timeout = 600});
    ASSERT_TRUE(got) << got.error().describe();
    for (const auto& m : *got) {
      const MessageAttribute* digest = m.attribute("message-digest");
      auto envelope = Envelope::parse(m.body);
      std::string why;
      if (!digest || !signer->verify(m.body, digest->value))
        why = "digest missing or does not verify";
      else if (!envelope)
        why = "envelope: " + envelope.error().message;
      else if (!envelope->arguments.IsArray() ||
               envelope->arguments.Size() != 1 || !envelope->arguments[0].IsString())
        why = "not one of the test's EchoJobs";
      if (why.empty()) {
        const std::string id = envelope->arguments[0].GetString();
        const auto it = sent.find(id);
        if (it == sent.end())
          why = "unknown id " + id;
        else if (it->second.enqueued.job_id != envelope->job_id || it->second.enqueued.message_id != m.message_id ||
                 it->second.job_class != envelope->job_class)
          why = "job class, job id or message id differs from what was sent";
        else
          dead_intact.insert(id);
      }
      if (!why.empty()) dead_damaged.push_back(m.message_id + ": " + why + ": " + m.body);
    }
  }

  // The books.
  int performed = 0, duplicates = 0, both = 0, failing_jobs = 0;
  std::vector<std::string> lost, failing_not_dead;
  for (const auto& [id, what] : sent) {
    if (what.job_class == "FailingJob") {
      ++failing_jobs;
      if (!dead_intact.count(id)) failing_not_dead.push_back(id);
    }
    const auto it = tally.counts().find(id);
    const bool ran = it != tally.counts().end();
    if (ran) {
      ++performed;
      duplicates += it->second - 1;
    }
    if (ran && dead_intact.count(id)) ++both;
    if (!ran && !dead_intact.count(id)) lost.push_back(id);
  }
  std::string worker_logs, sqsd_logs;
  for (const auto& w : workers_) worker_logs += w->log();
  for (size_t i = 0; i < sqsds_.size(); ++i) sqsd_logs += sqsd_log(i);

  std::printf("[ chaos    ] jobs %d (%d FailingJob) | kills: worker %d, sqsd %d (sqsd start-up failures %d) | wall %.1f s\n", s.jobs,
              failing_jobs, worker_kills, sqsd_kills, sqsd_start_failures_, seconds);
  std::printf("[ chaos    ] faults injected %llu of %llu SQS requests: %s\n",
              static_cast<unsigned long long>(faults.injected()), static_cast<unsigned long long>(faults.requests),
              faults.describe().c_str());
  std::printf("[ chaos    ] performed %d (runs %zu, duplicate runs %d) | dead-lettered %zu intact, %zu damaged "
              "(%d of them also performed) | lost %zu | left in the queue %d\n",
              performed, tally.runs(), duplicates, dead_intact.size(), dead_damaged.size(), both, lost.size(), left);
  std::printf("[ chaos    ] worker answers: 200 %zu, 503 %zu, other 5xx %zu | sqsd: retries %zu, receive failures %zu, "
              "visibility changes failed %zu, deletes failed %zu\n",
              count_lines(worker_logs, {" status=200 "}), count_lines(worker_logs, {" status=503 "}),
              count_lines(worker_logs, {" status=50"}) - count_lines(worker_logs, {" status=503 "}),
              count_lines(sqsd_logs, {"retry in"}), count_lines(sqsd_logs, {"receive from", "failed"}),
              count_lines(sqsd_logs, {"could not change its visibility"}), count_lines(sqsd_logs, {"could not be deleted"}));

  EXPECT_FALSE(stalled) << "no progress for " << s.stall.count() << " s with " << left
                        << " messages in the queue (a stall); the last daemon's log ends:\n"
                        << sqsd_log(sqsds_.size() - 1).substr(sqsd_log(sqsds_.size() - 1).size() > 4000
                                                                  ? sqsd_log(sqsds_.size() - 1).size() - 4000
                                                                  : 0);
  EXPECT_TRUE(drained || stalled) << "the queue did not empty within " << s.timeout.count() << " s: " << left
                                  << " messages left, " << worker_kills + sqsd_kills << " of " << s.kills
                                  << " kills done";
  EXPECT_EQ(worker_kills + sqsd_kills, s.kills);
  EXPECT_TRUE(lost.empty()) << lost.size() << " jobs neither performed nor in the dead-letter queue, first "
                            << (lost.empty() ? "" : lost.front());
  EXPECT_TRUE(failing_not_dead.empty()) << failing_not_dead.size()
                                        << " FailingJobs not in the dead-letter queue, first "
                                        << (failing_not_dead.empty() ? "" : failing_not_dead.front());
  EXPECT_TRUE(dead_damaged.empty()) << dead_damaged.size() << " damaged dead letters, first "
                                    << (dead_damaged.empty() ? "" : dead_damaged.front());
  EXPECT_EQ(tally.unexpected(), 0u) << "lines in EchoJob's file that no job of the test wrote";
  if (drained) {
    EXPECT_EQ(static_cast<int>(dead_intact.size() + dead_damaged.size()), dead_expected)
        << "not every dead letter was received";
  }
}

}  // namespace
}  // namespace ebworker::testing
