// Input modelled: one HTTP request as the worker's pistache handler hands it to the middleware
// stack: method, path, peer address, header fields and body, all arbitrary, and sometimes the
// pieces aws-sqsd would add (its User-Agent, a message-digest made with the worker's key, a
// periodic task name). It goes synchronously through default_stack() (RequestLog, SourceCheck,
// WorkerEndpoints, SqsdOnly, PeriodicTasks, VerifySignature, then Dispatch) with a registry holding one trivial job and
// a cron.yaml declaring it; no network, no thread pool.
// Checked: the job runs only for a request from an allowed peer that is either signed with the
// key or a periodic task cron.yaml declares at that path; every answer has a status we document.
// EBWORKER_FUZZ_VERBOSE=1 prints each request's answer (to see what a replayed input does).

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "http/ip_range.h"
#include "middleware/default_stack.h"

namespace {

using namespace ebworker;

const std::string kKey = "fuzz-secret-key-base-of-at-least-32-bytes";

const char* kCronYaml = R"(version: 1
cron:
  - name: "EchoJob"
    url: "/periodic_tasks"
    schedule: "0 3 * * *"
  - name: "EchoJob"
    url: "/elsewhere"
    schedule: "*/5 * * * *"
)";

int runs = 0;  // EchoJob's runs during the current input

// Trivial, but it reads what a job reads: the arguments, every context field, the log.
class EchoJob : public Job {
 public:
  JobResult perform(const rapidjson::Value& arguments, JobContext& context) override {
    ++runs;
    FUZZ_CHECK(arguments.IsArray());
    context.log.info("echo {} arguments, receive {} of {} at {} {}", arguments.Size(),
                     context.receive_count, context.queue_name, context.first_received_at,
                     context.task_name.value_or("-"));
    if (arguments.Size() == 1 && arguments[0].IsString() && arguments[0].GetStringLength() == 4 &&
        std::string_view(arguments[0].GetString(), 4) == "fail")
      return fail("asked to fail");
    return done();
  }
};

constexpr int kAppStatus = 299;  // only the app answers this

struct World {
  JobRegistry registry;
  CronFile cron;
  std::optional<Signer> signer;
  WorkerConfig config;
  std::optional<WorkerChain> chain;
  std::optional<WorkerChain> web_chain;  // processing off: everything goes to the app

  World() {
    fuzz::quiet_logs();
    registry.add("EchoJob", [] { return std::make_unique<EchoJob>(); });
    cron = CronFile::parse(kCronYaml, "cron.yaml", registry).value();
    signer = Signer::create(kKey).value();
    config.process_jobs = true;
    config.trusted_sources = IpRange::parse_list("172.17.0.1, fd00::/8").value();
    const App app = [](Request&) { return Response{kAppStatus, "app\n", "", {}, ""}; };
    chain.emplace(default_stack(config, registry, WorkerParts{.keys = {.current = kKey}, .cron = cron}, app));
    WorkerConfig off;
    web_chain.emplace(default_stack(off, registry, std::nullopt, app));
  }
};

const World& world() {
  static const World w;
  return w;
}

const char* const kMethods[] = {"POST", "GET", "PUT", "post", "HEAD", ""};
const char* const kPaths[] = {"/", "/periodic_tasks", "/elsewhere", "/periodic_tasks/", ""};
const char* const kPeers[] = {"127.0.0.1", "::1", "::ffff:127.0.0.1", "172.17.0.1", "fd00::5",
                              "10.1.2.3", "", "[::1]"};
const char* const kHeaderNames[] = {"User-Agent", "X-Aws-Sqsd-Msgid", "X-Aws-Sqsd-Queue",
                                    "X-Aws-Sqsd-First-Received-At", "X-Aws-Sqsd-Receive-Count",
                                    "X-Aws-Sqsd-Taskname", "X-Aws-Sqsd-Scheduled-At",
                                    "X-Aws-Sqsd-Attr-message-digest", "X-Aws-Sqsd-Attr-origin",
                                    "x-aws-sqsd-attr-MESSAGE-DIGEST", "Content-Type"};
const char* const kUserAgents[] = {"aws-sqsd/3.0.4", "sqsd", "AWS-SQSD", "curl/8.0", ""};

template <size_t N>
std::string pick(FuzzedDataProvider& in, const char* const (&options)[N]) {
  // Mostly one of the usual values, sometimes anything.
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) return in.ConsumeRandomLengthString(64);
  return options[in.ConsumeIntegralInRange<size_t>(0, N - 1)];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const World& w = world();
  FuzzedDataProvider in(data, size);

  Request request;
  request.method = pick(in, kMethods);
  request.path = pick(in, kPaths);
  request.peer_address = pick(in, kPeers);
  const bool daemon_agent = in.ConsumeBool();
  if (daemon_agent) request.headers.add("User-Agent", pick(in, kUserAgents));
  const int fields = in.ConsumeIntegralInRange<int>(0, 8);
  for (int i = 0; i < fields; ++i) {
    std::string name = pick(in, kHeaderNames);
    request.headers.add(std::move(name), in.ConsumeRandomLengthString(128));
  }
  const bool sign = in.ConsumeBool();
  const bool process = in.ConsumeIntegralInRange<int>(0, 15) != 0;
  request.body = in.ConsumeRemainingBytesAsString();
  if (sign) request.headers.add("X-Aws-Sqsd-Attr-message-digest", w.signer->sign(request.body));

  // What the chain's checks depend on, worked out independently of the middlewares.
  const auto peer = parse_ip(request.peer_address);
  const bool allowed_peer =
      peer && (is_loopback(*peer) ||
               std::any_of(w.config.trusted_sources.begin(), w.config.trusted_sources.end(),
                           [&](const IpRange& r) { return r.contains(*peer); }));
  const std::string* digest = request.headers.find("X-Aws-Sqsd-Attr-message-digest");
  const bool signed_ok = digest && w.signer->verify(request.body, *digest);
  const std::string* task = request.headers.find("X-Aws-Sqsd-Taskname");
  const bool declared_task = task && w.cron.allows(*task, request.path);

  runs = 0;
  const Response response = (process ? *w.chain : *w.web_chain).call(request);

  static const bool verbose = std::getenv("EBWORKER_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "%s %s peer=%s status=%d runs=%d reason=%s\n", request.method.c_str(),
                 request.path.c_str(), request.peer_address.c_str(), response.status, runs,
                 response.reason.c_str());

  switch (response.status) {
    case 200: case 400: case 403: case 404: case 500: case kAppStatus: break;
    case 503: FUZZ_CHECK(runs == 0); break;  // a signed envelope not due yet (scheduled_at): not run
    default: FUZZ_CHECK(!"a status the chain never answers");
  }
  FUZZ_CHECK(runs <= 1);
  if (runs > 0) {
    FUZZ_CHECK(process);
    FUZZ_CHECK(allowed_peer);
    FUZZ_CHECK(signed_ok || declared_task);
    if (task) FUZZ_CHECK(declared_task);  // a task header never runs as a message
  }
  if (response.status == 200) FUZZ_CHECK(runs == 1);
  if (!process) FUZZ_CHECK(response.status == kAppStatus);
  if (response.status != kAppStatus && response.status != 200) FUZZ_CHECK(!response.reason.empty());
  return 0;
}
