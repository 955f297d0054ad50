#include "middleware/worker_endpoints.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>

#include "http/health_response.h"
#include "metrics/text_format.h"
#include "worker/status_page.h"

namespace ebworker {

WorkerEndpoints::WorkerEndpoints(std::shared_ptr<const Sources> sources) : sources_(std::move(sources)) {}

Result<WorkerEndpoints> WorkerEndpoints::at(std::string metrics_path, std::string health_path, std::string status_path,
                                            std::stop_token shutdown) {
  OwnEndpointPaths paths{.metrics = std::move(metrics_path), .health = std::move(health_path), .status = std::move(status_path)};
  for (const std::string* path : {&paths.metrics, &paths.health, &paths.status})
    if (auto ok = check_own_endpoint_path(*path); !ok) return Unexpected{ok.error()};
  if (const auto twice = paths.named_twice()) return fail(*twice + " is named twice");
  auto jobs = std::make_shared<JobCounters>();
  auto server = std::make_shared<ServerMetrics>(jobs->registry(), 0);
  return WorkerEndpoints(std::make_shared<const Sources>(
      Sources{.paths = std::move(paths), .jobs = std::move(jobs), .server = std::move(server), .shutdown = shutdown}));
}

Response WorkerEndpoints::call(Request& request, const Next& next) const {
  const OwnEndpointPaths& paths = sources_->paths;
  if (!paths.matches(request.path)) return next(request);
  if (request.method != "GET") {
    Response refused = Response::refuse(405, request.method + " " + request.path + ": only GET is answered here");
    refused.headers.add("Allow", "GET");
    return refused;
  }
  if (request.path == paths.metrics) return metrics();
  if (request.path == paths.health) return health();
  return status();
}

Response WorkerEndpoints::metrics() const {
  std::string text = sources_->jobs->registry().expose();
  if (sources_->poller) text += sources_->poller->metrics();
  Response r = Response::ok(std::move(text));
  r.headers.add("Content-Type", std::string(metrics::kTextContentType));
  return r;
}

Response WorkerEndpoints::health() const {
  const bool stopping = sources_->shutdown.stop_requested();
  const std::optional<bool> receiving = sources_->poller ? sources_->poller->receiving() : std::nullopt;
  const bool deaf = receiving && !*receiving && !stopping;  // a worker cut off from its queue
  rapidjson::StringBuffer body;
  rapidjson::Writer<rapidjson::StringBuffer> json(body);
  json.StartObject();
  json.Key("status");
  json.String(stopping ? "stopping" : deaf ? "not receiving" : "ok");
  json.Key("jobs_running");
  json.Uint64(static_cast<std::uint64_t>(std::llround(sources_->server->jobs_running())));
  json.Key("job_threads");
  json.Uint64(sources_->server->job_threads());
  if (receiving) {
    json.Key("receiving");
    json.Bool(*receiving);
  }
  json.EndObject();
  return health_response(!stopping && !deaf, std::string(body.GetString(), body.GetSize()),
                         stopping ? "stopping: shutdown began" : "not receiving: no receive from the queue lately");
}

Response WorkerEndpoints::status() const {
  const auto now = std::chrono::system_clock::now();
  StatusPage page;
  page.now = now;
  page.job_threads = sources_->server->job_threads();
  page.jobs_running = sources_->server->jobs_running();
  page.busy_total = sources_->server->busy_total();
  page.stopping = sources_->shutdown.stop_requested();
  page.minutes = sources_->jobs->history().minutes(now);
  page.jobs = sources_->jobs->by_job();
  page.failures = sources_->jobs->history().failures();
  const auto from = std::chrono::floor<std::chrono::seconds>(now);
  for (const auto& task : sources_->tasks)
    page.tasks.push_back(
        {.name = task.name, .url = task.url, .schedule = task.schedule.text(), .next_run = task.schedule.next_after(from)});
  if (sources_->limits && sources_->limits->use()) page.limits = sources_->limits->use()->rows();
  Response r = Response::ok(render_status_page(page));
  r.headers.add("Content-Type", "text/html; charset=utf-8");
  r.headers.add("Cache-Control", "no-store");
  return r;
}

}  // namespace ebworker
