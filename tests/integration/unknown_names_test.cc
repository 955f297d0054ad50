// Names nobody vouched for cannot grow the worker: undeclared periodic task names (the unsigned
// X-Aws-Sqsd-Taskname header), signed messages of job classes nobody registered, bodies that are
// no envelope, megabyte names and names that are not UTF-8 all count under job="(unknown)". The
// scrape stays a few KB and valid for a strict reader, the status page stays small, and the
// worker's resident memory stays flat.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/text.h"
#include "support/http_post.h"
#include "support/prometheus_text.h"
#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

// The process's resident set in KiB (VmRSS of /proc/PID/status), 0 if unreadable.
long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmRSS:")) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

class UnknownNames : public WorkerTest {
 protected:
  // Four keep-alive clients at once: answers written while the job threads hand over others. With
  // freed memory reused soon (the small quarantine below) this crashed the worker in pistache's
  // Transport::asyncWriteImpl now and then, until answers stopped attaching continuations to
  // ResponseWriter::send's promise from job threads (see when_written in http/server.cc).
  static constexpr int kClients = 4;

  // The RSS should show what the worker keeps. ASan keeps freed memory in a quarantine (256 MB
  // by default) and returns free memory to the system at most every 5 s: neither here. Each job
  // thread's allocator caches fill as it is first used: 4 threads are all warm after the warm-up.
  WorkerProcess& start() {
    std::string asan = std::getenv("ASAN_OPTIONS") ? std::getenv("ASAN_OPTIONS") : "";
    asan += std::string(asan.empty() ? "" : ":") + "quarantine_size_mb=16:thread_local_quarantine_size_kb=256:allocator_release_to_os_interval_ms=50";
    return start_worker({{"ASAN_OPTIONS", asan}, {"EBWORKER_LOG_LEVEL", "info"}, {"EBWORKER_JOB_THREADS", "4"}});
  }

  // Posts `count` messages made by `make(i)` from kClients clients at once (keep-alive); returns how many
  // were answered with `status`.
  template <typename Make>
  int post_all(const WorkerProcess& worker, int count, std::string_view path, int status, Make make) {
    std::atomic<int> matched{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
      clients.emplace_back([&, c] {
        HttpClient client;
        for (int i = c; i < count; i += kClients) {
          const SqsdMessage m = make(i);
          if (post(client, worker.url(path), m.body, m.headers, 10s).status == status) ++matched;
        }
      });
    for (auto& t : clients) t.join();
    return matched.load();
  }

  HttpResult get_path(const WorkerProcess& worker, std::string_view path) {
    HttpClient client;
    return ebworker::testing::get(client, worker.url(path), 10s);
  }
};

TEST_F(UnknownNames, CountUnderOneLabelAndNeitherGrowTheScrapeNorTheWorker) {
  const auto started = std::chrono::steady_clock::now();
  auto& worker = start();
  const auto task = [](const std::string& name) { return periodic_message(name); };

  // Warm up (threads, allocator caches, the first series, a megabyte request), then take the
  // baseline.
  const std::string megabyte(1'000'000, 'M');
  ASSERT_EQ(send(worker, job_message("EchoJob", "[\"known\"]", signer_)).status, 200);
  EXPECT_EQ(post_all(worker, 2000, "/periodic_tasks", 404, [&](int i) { return task("Warmup" + std::to_string(i)); }),
            2000);
  EXPECT_EQ(send(worker, job_message("W" + megabyte, "[]", signer_)).status, 404);
  ASSERT_EQ(get_path(worker, "/_ebworker/metrics").status, 200);
  ASSERT_EQ(get_path(worker, "/_ebworker/status").status, 200);
  const long baseline_kib = resident_kib(worker.pid());
  ASSERT_GT(baseline_kib, 0);

  // 2,000 distinct undeclared task names, unsigned as periodic tasks are.
  EXPECT_EQ(post_all(worker, 2000, "/periodic_tasks", 404,
                     [&](int i) { return task("Undeclared" + std::to_string(i)); }),
            2000);
  // Signed messages of classes nobody registered, a name that is not UTF-8 (as a task and inside
  // a signed body, which is then no envelope).
  EXPECT_EQ(post_all(worker, 200, "/", 404,
                     [&](int i) { return job_message("NoSuchJob" + std::to_string(i), "[]", signer_); }),
            200);
  EXPECT_EQ(send(worker, task("x\xff\xfe"), "/periodic_tasks").status, 404);
  EXPECT_EQ(send(worker, signed_message("{\"job_class\":\"x\xff\xfe\",\"arguments\":[]}", signer_)).status, 400);
  // Megabyte names: as a task (a header of 1 MB fits the worker's request size, 1 MiB of body
  // allowance plus 64 KiB, unless a header limit refuses it first) and as a signed job class (a
  // body under EBWORKER_MAX_BODY).
  int huge_tasks = 0;
  for (int i = 0; i < 5; ++i) {
    const auto answer = send(worker, task(std::to_string(i) + megabyte), "/periodic_tasks");
    EXPECT_TRUE(answer.ok() && answer.status >= 400) << answer.describe().substr(0, 300);
    huge_tasks += answer.status == 404;
  }
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(send(worker, job_message(std::to_string(i) + megabyte, "[]", signer_)).status, 404);

  const auto scrape = get_path(worker, "/_ebworker/metrics");
  ASSERT_EQ(scrape.status, 200) << scrape.describe().substr(0, 300);
  EXPECT_LT(scrape.body.size(), 8u * 1024) << "the scrape grew with the names sent";
  const auto parsed = parse_prometheus_text(scrape.body);
  ASSERT_TRUE(parsed) << parsed.error().message.substr(0, 500);
  const PromFamily* jobs = parsed->family("ebworker_jobs_total");
  ASSERT_NE(jobs, nullptr);
  for (const auto& sample : jobs->samples)
    EXPECT_TRUE(sample.labels.at("job") == "EchoJob" || sample.labels.at("job") == "(unknown)")
        << sample.labels.at("job").substr(0, 100);
  EXPECT_EQ(parsed->value("ebworker_jobs_total", {{"job", "EchoJob"}, {"outcome", "done"}}), 1);
  // Every refusal above that reached the jobs.
  EXPECT_EQ(parsed->sum("ebworker_jobs_total", {{"job", "(unknown)"}}), 2000 + 1 + 2000 + 200 + 2 + huge_tasks + 5);

  // The status page names them the same way and keeps what it quotes of them short.
  const auto status = get_path(worker, "/_ebworker/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_LT(status.body.size(), 64u * 1024) << "the status page quotes the names whole";
  EXPECT_NE(status.body.find("<td class=\"l\">(unknown)</td>"), std::string::npos);
  EXPECT_TRUE(is_valid_utf8(status.body));

  // The request lines name what was asked for, its first 200 bytes: no megabyte line.
  int megabyte_lines = 0;
  for (const auto& line : worker.log_lines())
    if (line.find("MMMMMMMMMM") != std::string::npos) {
      ++megabyte_lines;
      EXPECT_LT(line.size(), 2000u) << line.substr(0, 300);
    }
  EXPECT_GE(megabyte_lines, 5);

  const long grown_kib = resident_kib(worker.pid()) - baseline_kib;
  EXPECT_LT(grown_kib, 20 * 1024) << "RSS " << baseline_kib << " KiB grew by " << grown_kib << " KiB";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
}

}  // namespace
}  // namespace ebworker::testing
