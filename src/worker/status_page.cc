#include "worker/status_page.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/iso_time.h"
#include "core/text.h"
#include "worker/job_outcome.h"

namespace ebworker {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : repair_utf8(text)) {  // the page says charset=utf-8
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string seconds_text(double s) {
  char buffer[32];
  // A no-op job takes microseconds: "0.0 ms" would say nothing.
  if (s < 0.001) std::snprintf(buffer, sizeof buffer, "%.0f µs", s * 1e6);
  else if (s < 1) std::snprintf(buffer, sizeof buffer, "%.1f ms", s * 1000);
  else std::snprintf(buffer, sizeof buffer, "%.2f s", s);
  return buffer;
}

std::string hh_mm(std::chrono::sys_seconds t) { return iso8601_utc_seconds(t).substr(11, 5); }

constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.meta{color:#5b6475}
table{border-collapse:collapse;background:#fff;min-width:480px}
th,td{border:1px solid #d8dce3;padding:4px 10px;text-align:right}
th{background:#eceff3}td.l,th.l{text-align:left}
.bars{display:flex;align-items:flex-end;gap:4px;height:120px;background:#fff;border:1px solid #d8dce3;padding:8px;width:max-content}
.bar{width:32px;display:flex;flex-direction:column;justify-content:flex-end;align-items:center;font-size:11px}
.ok{background:#4c9a6a;width:100%}.bad{background:#c8453b;width:100%}
.pool{width:300px;height:16px;background:#e3e6eb;border:1px solid #c5cad3}.used{height:100%;background:#3b6fc8}
.failed{color:#c8453b;font-weight:600}
)";

void row(std::string& out, const std::vector<std::string>& cells, std::string_view first_class = "l") {
  out += "<tr>";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out += i == 0 ? "<td class=\"" + std::string(first_class) + "\">" : "<td>";
    out += cells[i];
    out += "</td>";
  }
  out += "</tr>\n";
}

void throughput(std::string& out, const StatusPage& page) {
  std::uint64_t peak = 1;
  std::uint64_t finished = 0, failed = 0;
  for (const auto& m : page.minutes) {
    peak = std::max(peak, m.finished);
    finished += m.finished;
    failed += m.failed;
  }
  out += "<h2>Throughput, last " + std::to_string(page.minutes.size()) + " minutes</h2>\n";
  out += "<p id=\"throughput-total\">" + std::to_string(finished) + " jobs finished, " + std::to_string(failed) +
         " failed</p>\n<div class=\"bars\">\n";
  for (const auto& m : page.minutes) {
    const auto ok_px = (m.finished - m.failed) * 90 / peak;
    const auto bad_px = m.failed * 90 / peak;
    out += "<div class=\"bar\" title=\"" + hh_mm(m.minute) + " UTC: " + std::to_string(m.finished) + " finished, " +
           std::to_string(m.failed) + " failed\">" + std::to_string(m.finished) + "<div class=\"bad\" style=\"height:" +
           std::to_string(bad_px) + "px\"></div><div class=\"ok\" style=\"height:" + std::to_string(ok_px) +
           "px\"></div>" + hh_mm(m.minute) + "</div>\n";
  }
  out += "</div>\n<table id=\"minutes\"><tr><th class=\"l\">minute (UTC)</th><th>finished</th><th>failed</th></tr>\n";
  for (auto it = page.minutes.rbegin(); it != page.minutes.rend(); ++it)
    row(out, {hh_mm(it->minute), std::to_string(it->finished), std::to_string(it->failed)});
  out += "</table>\n";
}

// The column of each outcome, in JobOutcome's order.
constexpr std::array<std::string_view, kJobOutcomes> kOutcomeHeadings = {
    "done", "failed", "retried", "discarded", "dead-lettered", "skipped", "not due", "continued", "unknown, sent on",
    "limited"};

void jobs(std::string& out, const StatusPage& page) {
  out += "<h2>Jobs</h2>\n<table id=\"jobs\"><tr><th class=\"l\">job</th>";
  for (const auto heading : kOutcomeHeadings) out += "<th>" + std::string(heading) + "</th>";
  out += "<th>runs</th><th>mean</th><th>p95</th></tr>\n";
  for (const auto& j : page.jobs) {
    std::vector<std::string> cells = {html_escape(j.job)};
    for (const auto count : j.counts) cells.push_back(std::to_string(count));
    const auto& d = j.duration;
    cells.push_back(std::to_string(d.count));
    cells.push_back(d.count ? seconds_text(d.sum / static_cast<double>(d.count)) : "-");
    cells.push_back(d.count ? seconds_text(metrics::quantile(d, 0.95)) : "-");
    row(out, cells);
  }
  if (page.jobs.empty()) out += "<tr><td class=\"l\" colspan=\"" + std::to_string(kJobOutcomes + 4) + "\">no jobs yet</td></tr>\n";
  out += "</table>\n";
}

void failures(std::string& out, const StatusPage& page) {
  out += "<h2>Latest failures</h2>\n<table id=\"failures\"><tr><th class=\"l\">time (UTC)</th><th class=\"l\">job</th>"
         "<th class=\"l\">job id</th><th class=\"l\">message id</th><th class=\"l\">reason</th></tr>\n";
  for (const auto& f : page.failures) {
    out += "<tr><td class=\"l\">" + iso8601_utc_seconds(std::chrono::floor<std::chrono::seconds>(f.at)) +
           "</td><td class=\"l\">" + html_escape(f.job) + "</td><td class=\"l\">" + html_escape(f.job_id) +
           "</td><td class=\"l\">" + html_escape(f.message_id) + "</td><td class=\"l failed\">" +
           html_escape(f.reason) + "</td></tr>\n";
  }
  if (page.failures.empty()) out += "<tr><td class=\"l\" colspan=\"5\">none</td></tr>\n";
  out += "</table>\n";
}

void pool(std::string& out, const StatusPage& page) {
  const double used = page.job_threads ? std::min(1.0, page.jobs_running / static_cast<double>(page.job_threads)) : 0;
  char running[32];
  std::snprintf(running, sizeof running, "%.0f", page.jobs_running);
  out += "<h2>Job threads</h2>\n<p id=\"pool\">" + std::string(running) + " of " + std::to_string(page.job_threads) +
         " in use; " + std::to_string(page.busy_total) + " requests refused busy (503)</p>\n";
  out += "<div class=\"pool\"><div class=\"used\" style=\"width:" + std::to_string(static_cast<int>(used * 100)) +
         "%\"></div></div>\n";
}

void tasks(std::string& out, const StatusPage& page) {
  out += "<h2>Periodic tasks (cron.yaml)</h2>\n<table id=\"tasks\"><tr><th class=\"l\">task</th><th class=\"l\">url</th>"
         "<th class=\"l\">schedule</th><th class=\"l\">next run (UTC)</th></tr>\n";
  for (const auto& t : page.tasks)
    row(out, {html_escape(t.name), html_escape(t.url), html_escape(t.schedule),
              t.next_run ? iso8601_utc_seconds(*t.next_run) : "never"});
  if (page.tasks.empty()) out += "<tr><td class=\"l\" colspan=\"4\">none</td></tr>\n";
  out += "</table>\n";
}

// Each declared limit: in use is this worker's own runs holding a slot (the other workers' are
// on their own pages), deferrals since it started.
void limits(std::string& out, const StatusPage& page) {
  if (page.limits.empty()) return;
  out += "<h2>Limits (flow control)</h2>\n<table id=\"limits\"><tr><th class=\"l\">job</th><th>concurrency</th>"
         "<th>in use here</th><th>rate</th>";
  for (std::size_t r = 0; r < kLimitDeferrals; ++r)
    out += "<th>deferred: " + std::string(to_string(static_cast<LimitDeferral>(r))) + "</th>";
  out += "</tr>\n";
  for (const auto& l : page.limits) {
    char in_use[32];
    std::snprintf(in_use, sizeof in_use, "%.0f", l.in_use);
    std::vector<std::string> cells = {
        html_escape(l.job), l.concurrency_max > 0 ? std::to_string(l.concurrency_max) + " at once per key" : "-",
        in_use,
        l.rate_max > 0 ? std::to_string(l.rate_max) + " per " + std::to_string(l.rate_per.count()) + " ms per key" : "-"};
    for (const auto n : l.deferred) cells.push_back(std::to_string(n));
    row(out, cells);
  }
  out += "</table>\n";
}

}  // namespace

std::string render_status_page(const StatusPage& page) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  if (page.refresh_seconds > 0)
    out += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(page.refresh_seconds) + "\">\n";
  out += "<title>ebworker status</title>\n<style>";
  out += kStyle;
  out += "</style></head><body>\n<h1>ebworker status</h1>\n<p class=\"meta\">" +
         iso8601_utc_seconds(std::chrono::floor<std::chrono::seconds>(page.now)) +
         (page.stopping ? " &middot; <b>stopping</b>" : "") + "</p>\n";
  pool(out, page);
  throughput(out, page);
  jobs(out, page);
  limits(out, page);
  failures(out, page);
  tasks(out, page);
  out += "</body></html>\n";
  return out;
}

}  // namespace ebworker
