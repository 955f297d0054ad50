// The default middleware stack traversed by one signed aws-sqsd request running a NoopJob, called
// directly (no HTTP): RequestLog → SourceCheck → SqsdOnly → PeriodicTasks → VerifySignature →
// Dispatch → NoopJob. Each iteration builds the request first (the chain fills it in), as the
// server does when it converts pistache's request; BM_RequestBuild is that alone.
#include <benchmark/benchmark.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <ebworker/worker/cli.h>

#include "common/noop_job.h"
#include "common/sample_job.h"
#include "cron/cron_file.h"
#include "middleware/default_stack.h"

namespace {

struct Fixture {
  Fixture() {
    registry.add<NoopJob>();
    config.process_jobs = true;
    auto s = ebworker::Signer::create(bench::kSecret);
    if (!s) throw std::runtime_error(s.error().message);
    signer = std::move(s).value();
    chain = ebworker::default_stack(config, registry, ebworker::WorkerParts{.keys = {.current = bench::kSecret}, .cron = cron},
                                    ebworker::not_found_app);

    body = bench::sample_body();
    headers = bench::sqsd_headers(body, *signer);
  }
  // What Server's to_request does with pistache's request.
  ebworker::Request request() const {
    ebworker::Request r;
    r.method = method;
    r.path = path;
    for (const auto& [name, value] : headers) r.headers.add(name, value);
    r.body = body;
    r.peer_address = peer;
    return r;
  }
  ebworker::JobRegistry registry;
  ebworker::WorkerConfig config;
  std::optional<ebworker::Signer> signer;
  ebworker::CronFile cron;
  ebworker::WorkerChain chain;
  std::string method = "POST";
  std::string path = "/";
  std::string peer = "127.0.0.1";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The worker's logger (cli/logging.cc: same pattern, flushed every line) writing to /dev/null,
// at `level`.
void use_logger(spdlog::level::level_enum level) {
  spdlog::drop("bench");
  auto logger = spdlog::basic_logger_mt("bench", "/dev/null");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void traverse(benchmark::State& state, spdlog::level::level_enum level) {
  Fixture f;
  use_logger(level);
  for (auto _ : state) {
    ebworker::Request request = f.request();
    const ebworker::Response response = f.chain.call(request);
    if (response.status != 200) state.SkipWithError(("status " + std::to_string(response.status) + ": " +
                                                      response.reason).c_str());
    benchmark::DoNotOptimize(response);
  }
  use_logger(spdlog::level::off);
}

// Request logging off (EBWORKER_LOG_LEVEL=off) and at its default level (info).
BENCHMARK_CAPTURE(traverse, log_off, spdlog::level::off);
BENCHMARK_CAPTURE(traverse, log_info, spdlog::level::info);

void BM_RequestBuild(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    ebworker::Request request = f.request();
    benchmark::DoNotOptimize(request);
  }
}
BENCHMARK(BM_RequestBuild);

}  // namespace
