#pragma once
// The worker's status page (EBWORKER_STATUS_PATH): one self-contained HTML page, inline CSS, no
// scripts and no external assets, so it renders from a saved copy or behind a proxy alike.
// Every figure is in the markup; every text that came from a job or a request is escaped.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worker/job_counters.h"
#include "worker/job_history.h"
#include "worker/limit_use.h"

namespace ebworker {

struct PeriodicTaskRow {
  std::string name{};
  std::string url{};
  std::string schedule{};
  std::optional<std::chrono::sys_seconds> next_run{};  // none: the schedule never fires
};

struct StatusPage {
  std::chrono::system_clock::time_point now{};
  std::size_t job_threads = 0;
  double jobs_running = 0;
  std::uint64_t busy_total = 0;
  bool stopping = false;
  std::vector<MinuteTally> minutes{};  // oldest first
  std::vector<JobCounters::JobSummary> jobs{};
  std::vector<JobFailure> failures{};  // newest first
  std::vector<PeriodicTaskRow> tasks{};
  std::vector<LimitUseRow> limits{};  // the classes that declare a limit
  int refresh_seconds = 10;  // <meta http-equiv=refresh>; 0 for none
};

std::string render_status_page(const StatusPage& page);

// &, <, >, " and ' as entities: safe in text and in quoted attributes; bytes that are not UTF-8
// as U+FFFD.
std::string html_escape(std::string_view text);

}  // namespace ebworker
