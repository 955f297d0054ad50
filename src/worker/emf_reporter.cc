#include "worker/emf_reporter.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <map>

#include "core/json.h"

namespace ebworker {

namespace {

// The outcomes a record reports: a job's fate. Skipped and not_due are the scheduler's; continued
// is a run's (the job's fate comes with its last run); unknown_sent_on and limited pass a message
// on unrun (it is counted when it runs, here or on another worker).
constexpr std::array kReported = {JobOutcome::done, JobOutcome::failed, JobOutcome::retried, JobOutcome::discarded,
                                  JobOutcome::dead_lettered};

void write_metric(rapidjson::Writer<rapidjson::StringBuffer>& out, std::string_view name, std::string_view unit) {
  out.StartObject();
  out.Key("Name");
  write_json_string(out, name);
  out.Key("Unit");
  write_json_string(out, unit);
  out.EndObject();
}

}  // namespace

std::vector<std::string> emf_records(const std::vector<JobCounters::JobSummary>& previous,
                                     const std::vector<JobCounters::JobSummary>& current, std::string_view name_space,
                                     std::chrono::system_clock::time_point timestamp) {
  std::map<std::string_view, const JobCounters::JobSummary*> before;
  for (const auto& p : previous) before[p.job] = &p;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timestamp.time_since_epoch()).count();

  std::vector<std::string> out;
  for (const auto& now : current) {
    const auto it = before.find(now.job);
    const JobCounters::JobSummary zero{};
    const JobCounters::JobSummary& then = it == before.end() ? zero : *it->second;
    std::array<std::uint64_t, kReported.size()> counts{};
    bool changed = false;
    for (std::size_t i = 0; i < kReported.size(); ++i) {
      const auto o = static_cast<std::size_t>(kReported[i]);
      counts[i] = now.counts[o] - then.counts[o];
      changed = changed || counts[i] != 0;
    }
    const std::uint64_t runs = now.duration.count - then.duration.count;
    if (!changed && runs == 0) continue;

    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("_aws");
    w.StartObject();
    w.Key("Timestamp");
    w.Int64(ms);
    w.Key("CloudWatchMetrics");
    w.StartArray();
    w.StartObject();
    w.Key("Namespace");
    write_json_string(w, name_space);
    w.Key("Dimensions");
    w.StartArray();
    w.StartArray();
    w.String("job");
    w.EndArray();
    w.EndArray();
    w.Key("Metrics");
    w.StartArray();
    for (const auto o : kReported) write_metric(w, outcome_name(o), "Count");
    if (runs > 0) write_metric(w, "duration", "Milliseconds");
    w.EndArray();
    w.EndObject();
    w.EndArray();
    w.EndObject();
    w.Key("job");
    write_json_string(w, now.job);  // a recognised job class or kUnknownJob, never empty
    for (std::size_t i = 0; i < kReported.size(); ++i) {
      const auto name = outcome_name(kReported[i]);
      w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      w.Uint64(counts[i]);
    }
    if (runs > 0) {
      w.Key("duration");
      w.Double((now.duration.sum - then.duration.sum) * 1000.0 / static_cast<double>(runs));
    }
    w.EndObject();
    out.emplace_back(buffer.GetString(), buffer.GetSize());
  }
  return out;
}

EmfReporter::EmfReporter(std::shared_ptr<const JobCounters> jobs, std::string name_space,
                         std::chrono::seconds interval, Write write)
    : jobs_(std::move(jobs)),
      name_space_(std::move(name_space)),
      interval_(interval),
      write_(std::move(write)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

EmfReporter::~EmfReporter() { stop(); }

void EmfReporter::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();  // wakes the wait through its stop token
  thread_.join();
}

void EmfReporter::report() {
  auto current = jobs_->by_job();
  for (const auto& line : emf_records(reported_, current, name_space_, std::chrono::system_clock::now()))
    write_(line);
  reported_ = std::move(current);
}

void EmfReporter::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, stop, interval_, [] { return false; });
    report();  // each interval, and the final one once stopping
    if (stop.stop_requested()) return;
  }
}

EmfReporter::Write emf_stdout_writer() {
  auto logger = std::make_shared<spdlog::logger>("ebworker-emf", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  return [logger](const std::string& line) { logger->info(line); };
}

}  // namespace ebworker
