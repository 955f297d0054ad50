// A stack of the default middlewares, each built by the user from public types alone (a CIDR
// string, endpoint paths, cron.yaml's text, a secret), in the worker's order, ending in an app
// of the user's. Each request below is answered as the worker's own stack would answer it; the
// program says which one did not and exits 1, or prints "own stack: ok".

#include <cstdio>
#include <cstdlib>
#include <string>

#include <ebworker/worker.h>

namespace {

// Counts its runs: the periodic task below runs it.
int ticks = 0;

class TickJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "TickJob";
  ebworker::JobResult perform(const rapidjson::Value&, ebworker::JobContext&) override {
    ++ticks;
    return ebworker::done();
  }
};

constexpr std::string_view kCron =
    "version: 1\n"
    "cron:\n"
    "  - name: \"TickJob\"\n"
    "    url: \"/periodic_tasks\"\n"
    "    schedule: \"*/5 * * * *\"\n";

template <typename M>
M built(ebworker::Result<M> middleware, const char* what) {
  if (!middleware) {
    std::fprintf(stderr, "%s: %s\n", what, middleware.error().message.c_str());
    std::exit(1);
  }
  return std::move(middleware).value();
}

ebworker::Request request(std::string method, std::string path, std::string user_agent = "aws-sqsd/3.0.4") {
  ebworker::Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.peer_address = "127.0.0.1";
  r.headers.add("User-Agent", std::move(user_agent));
  return r;
}

int failures = 0;

void expect(const char* what, const ebworker::Response& response, int status) {
  if (response.status == status) return;
  std::fprintf(stderr, "%s: %d (%s), expected %d\n", what, response.status, response.reason.c_str(), status);
  ++failures;
}

}  // namespace

int main() {
  ebworker::JobRegistry jobs;
  jobs.add<TickJob>();
  const ebworker::App app = [](ebworker::Request&) { return ebworker::Response::ok("the app\n"); };

  ebworker::Stack stack;
  stack.add<ebworker::RequestLog>()
      .add<ebworker::SourceCheck>(built(ebworker::SourceCheck::trusting({"10.0.0.0/8"}), "SourceCheck"))
      .add<ebworker::WorkerEndpoints>(built(
          ebworker::WorkerEndpoints::at("/_ebworker/metrics", "/_ebworker/health", "/_ebworker/status"),
          "WorkerEndpoints"))
      .add<ebworker::SqsdOnly>(app)
      .add<ebworker::PeriodicTasks>(built(ebworker::PeriodicTasks::declared_in(kCron, jobs, {}), "PeriodicTasks"))
      .add<ebworker::VerifySignature>(
          built(ebworker::VerifySignature::with_keys(std::string(32, 'k')), "VerifySignature"));
  const ebworker::App jobs_end = [](ebworker::Request&) { return ebworker::Response::refuse(599, "past the checks"); };
  const auto call = [&](ebworker::Request r) { return stack.call(r, jobs_end); };

  ebworker::Request outsider = request("POST", "/");
  outsider.peer_address = "203.0.113.9";
  expect("a peer outside the trusted ranges", call(outsider), 403);
  expect("the health path", call(request("GET", "/_ebworker/health")), 200);
  expect("the metrics path", call(request("GET", "/_ebworker/metrics")), 200);
  expect("a browser's request, routed to the app", call(request("GET", "/", "Mozilla/5.0")), 200);
  ebworker::Request tick = request("POST", "/periodic_tasks");
  tick.headers.add("X-Aws-Sqsd-Taskname", "TickJob");
  expect("a declared periodic task", call(tick), 200);
  if (ticks != 1) {
    std::fprintf(stderr, "TickJob ran %d times, expected once\n", ticks);
    ++failures;
  }
  ebworker::Request undeclared = request("POST", "/periodic_tasks");
  undeclared.headers.add("X-Aws-Sqsd-Taskname", "Unlisted");
  expect("a periodic task cron.yaml does not declare", call(undeclared), 404);
  expect("an unsigned message", call(request("POST", "/")), 403);
  if (failures) return 1;
  std::puts("own stack: ok");
  return 0;
}
