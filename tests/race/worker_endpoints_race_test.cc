// The worker in this process under ThreadSanitizer, so it sees the I/O threads, the job threads
// and the handlers pistache calls: signed jobs POSTed from several threads (some done, some
// failed) while others scrape /_ebworker/metrics and read /_ebworker/health and
// /_ebworker/status, and an EMF reporter reads the same counters. Every answer as expected, every
// scrape well formed, and the final counts exact.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <ebworker/worker/job.h>
#include <ebworker/worker/job_registry.h>

#include "cli/start_worker.h"
#include "support/http_post.h"
#include "support/prometheus_text.h"
#include "support/sqsd_message.h"
#include "worker/emf_reporter.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

// Done for ["ok"], failed for anything else, after a millisecond of "work".
class RaceJob : public Job {
 public:
  static constexpr std::string_view name = "RaceJob";
  JobResult perform(const rapidjson::Value& arguments, JobContext& context) override {
    std::this_thread::sleep_for(1ms);
    context.log.debug("racing");
    if (arguments.Size() == 1 && arguments[0].IsString() && std::string_view(arguments[0].GetString()) == "ok")
      return done();
    return fail("asked to");
  }
};

TEST(WorkerEndpointsRace, EndpointsAnswerWhileJobsRunAndTheCountsAddUp) {
  JobRegistry registry;
  registry.add<RaceJob>();
  WorkerConfig config;
  config.port = 0;
  config.process_jobs = true;
  config.job_threads = 4;
  config.cron_file = "/nonexistent/cron.yaml";
  config.log_level = "warn";
  const Environment env = {{"SECRET_KEY_BASE", std::string(kTestKey)}};
  auto jobs = std::make_shared<JobCounters>();
  auto server = start_worker(config, registry, {}, env, jobs);
  ASSERT_TRUE(server) << server.error().message;
  const std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());
  std::atomic<int> emf_lines{0};
  EmfReporter emf(jobs, "race", 1s, [&](const std::string&) { ++emf_lines; });

  constexpr int kPosters = 3;
  constexpr int kPerPoster = 60;
  std::atomic<int> posters_done{0}, unexpected{0}, reads{0}, bad_reads{0};
  std::vector<std::thread> threads;
  const Signer signer = make_signer();
  for (int p = 0; p < kPosters; ++p)
    threads.emplace_back([&, p] {
      HttpClient client;
      for (int i = 0; i < kPerPoster; ++i) {
        const bool ok = (p + i) % 4 != 0;
        const auto message = job_message("RaceJob", ok ? R"(["ok"])" : R"(["no"])", signer);
        const auto answer = post(client, base + "/", message.body, message.headers);
        if (answer.status != (ok ? 200 : 500)) {
          ++unexpected;
          ADD_FAILURE() << answer.describe();
        }
      }
      ++posters_done;
    });
  for (const char* path : {"/_ebworker/metrics", "/_ebworker/health", "/_ebworker/status"})
    threads.emplace_back([&, path] {
      HttpClient client;
      for (int i = 0; i < 10'000 && posters_done < kPosters; ++i) {
        const auto answer = get(client, base + path);
        ++reads;
        if (answer.status != 200) {
          ++bad_reads;
          ADD_FAILURE() << path << ": " << answer.describe();
        } else if (std::string_view(path) == "/_ebworker/metrics") {
          if (auto parsed = parse_prometheus_text(answer.body); !parsed) {
            ++bad_reads;
            ADD_FAILURE() << parsed.error().message;
          }
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_TRUE((*server)->drain(5s));
  (*server)->stop();
  emf.stop();

  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0);
  EXPECT_GE(reads.load(), 6) << "the endpoints were hardly read while jobs ran";
  int failing = 0;
  for (int p = 0; p < kPosters; ++p)
    for (int i = 0; i < kPerPoster; ++i) failing += (p + i) % 4 == 0;
  EXPECT_EQ(jobs->total(JobOutcome::done), static_cast<std::uint64_t>(kPosters * kPerPoster - failing));
  EXPECT_EQ(jobs->total(JobOutcome::failed), static_cast<std::uint64_t>(failing));
  EXPECT_GE(emf_lines.load(), 1);
}

}  // namespace
}  // namespace ebworker::testing
