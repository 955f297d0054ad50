// The default worker chain end to end, without HTTP: requests shaped like aws-sqsd's go through
// default_stack() with a real JobRegistry, signer and cron file, straight into Stack::call.

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeindex>
#include <vector>

#include <ebworker/worker/middleware/request_log.h>
#include <ebworker/worker/middleware/source_check.h>
#include <ebworker/worker/middleware/sqsd_only.h>
#include <ebworker/worker/middleware/verify_signature.h>

#include "envelope/envelope.h"
#include "middleware/default_stack.h"
#include "middleware/periodic_tasks.h"
#include "middleware/worker_endpoints.h"
#include "worker/dispatch.h"

namespace ebworker {
namespace {

const std::string kWorkerKey = "test-secret-key-base-of-at-least-32-bytes";
const std::string kOtherWorkerKey = "some-other-secret-key-of-at-least-32-bytes";
const std::string kMessageId = "6ac3a9d1-5f7e-4a0e-9b1c-2d3e4f5a6b7c";
const std::string kQueue = "awseb-e-abc123-stack-AWSEBWorkerQueue-XYZ";
const std::string kFirstReceived = "2023-08-15T13:57:53Z";

const char* kCronYaml = R"(version: 1
cron:
  - name: "NightlyCleanupJob"
    url: "/periodic_tasks"
    schedule: "0 3 * * *"
  - name: "HourlyJob"
    url: "/periodic_tasks"
    schedule: "@hourly"
  - name: "EchoJob"
    url: "/elsewhere"
    schedule: "*/5 * * * *"
)";

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  v.Accept(writer);
  return out.GetString();
}

// What a job saw of its runs.
struct Seen {
  int runs = 0;
  std::optional<JobContext> context;
  std::string arguments;
};

class RecordingJob : public Job {
 public:
  explicit RecordingJob(Seen& seen) : seen_(seen) {}
  JobResult perform(const rapidjson::Value& arguments, JobContext& context) override {
    ++seen_.runs;
    seen_.context = context;
    seen_.arguments = json_text(arguments);
    context.log.info("recording job ran with {} arguments", arguments.Size());
    return done();
  }

 private:
  Seen& seen_;
};

class FailingJob : public Job {
 public:
  JobResult perform(const rapidjson::Value&, JobContext&) override { return fail("disk full"); }
};

class ThrowingJob : public Job {
 public:
  JobResult perform(const rapidjson::Value&, JobContext&) override {
    throw std::runtime_error("boom");
  }
};

class DefaultStackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.add("EchoJob", [this] { return std::make_unique<RecordingJob>(echo); });
    registry.add("NightlyCleanupJob", [this] { return std::make_unique<RecordingJob>(nightly); });
    registry.add("FailingJob", [] { return std::make_unique<FailingJob>(); });
    registry.add("ThrowingJob", [] { return std::make_unique<ThrowingJob>(); });

    // The cron file is checked against a registry that also knows HourlyJob; the stack's does
    // not, as when cron.yaml and the binary disagree.
    for (const auto& name : registry.names())
      cron_registry.add(name, [] { return std::unique_ptr<Job>(); });
    cron_registry.add("HourlyJob", [] { return std::unique_ptr<Job>(); });

    config.process_jobs = true;
  }

  WorkerChain build() {
    auto cron = CronFile::parse(kCronYaml, "cron.yaml", cron_registry);
    if (!cron) throw std::runtime_error(cron.error().message);
    return default_stack(config, registry, WorkerParts{.keys = {.current = kWorkerKey}, .cron = std::move(cron).value()},
                         app);
  }

  static std::string envelope(const std::string& job_class, const std::string& args = "[]") {
    auto e = Envelope::make(job_class, args);
    if (!e) throw std::runtime_error(e.error().message);
    return e->to_json();
  }

  static std::string digest(const std::string& body, const std::string& key = kWorkerKey) {
    return Signer::create(key).value().sign(body);
  }

  // A POST as aws-sqsd makes it, from loopback; signed when `signature` is given.
  static Request sqsd_request(std::string body, std::optional<std::string> signature,
                              std::string user_agent = "aws-sqsd/2.4") {
    Request r;
    r.method = "POST";
    r.path = "/";
    r.peer_address = "127.0.0.1";
    r.body = std::move(body);
    r.headers.add("Connection", "upgrade");
    r.headers.add("Content-Type", "application/json");
    r.headers.add("User-Agent", std::move(user_agent));
    r.headers.add("X-Aws-Sqsd-Msgid", kMessageId);
    r.headers.add("X-Aws-Sqsd-Queue", kQueue);
    r.headers.add("X-Aws-Sqsd-First-Received-At", kFirstReceived);
    r.headers.add("X-Aws-Sqsd-Sent-At", "2023-08-15T13:57:52Z");
    r.headers.add("X-Aws-Sqsd-Receive-Count", "3");
    r.headers.add("X-Aws-Sqsd-Sender-Id", "AIDAEXAMPLE");
    r.headers.add("X-Aws-Sqsd-Path", "/");
    r.headers.add("X-Aws-Sqsd-Attr-origin", "ebworker");
    if (signature) r.headers.add("X-Aws-Sqsd-Attr-message-digest", *signature);
    return r;
  }

  static Request signed_job(const std::string& body) { return sqsd_request(body, digest(body)); }

  // A periodic task as aws-sqsd posts it: empty body, unsigned, with the task's headers.
  static Request periodic_request(const std::string& task, const std::string& path = "/periodic_tasks") {
    Request r;
    r.method = "POST";
    r.path = path;
    r.peer_address = "127.0.0.1";
    r.headers.add("User-Agent", "aws-sqsd/3.0.4");
    r.headers.add("X-Aws-Sqsd-Msgid", kMessageId);
    r.headers.add("X-Aws-Sqsd-Queue", kQueue);
    r.headers.add("X-Aws-Sqsd-First-Received-At", kFirstReceived);
    r.headers.add("X-Aws-Sqsd-Receive-Count", "1");
    r.headers.add("X-Aws-Sqsd-Taskname", task);
    r.headers.add("X-Aws-Sqsd-Scheduled-At", "2019-11-14T00:47:00Z");
    r.headers.add("X-Aws-Sqsd-Path", path);
    return r;
  }

  Response call(Request& request) { return chain_->call(request); }
  Response call(Request&& request) { return chain_->call(request); }

  JobRegistry registry;
  JobRegistry cron_registry;
  WorkerConfig config;
  Seen echo;
  Seen nightly;
  int app_calls = 0;
  App app = [this](Request&) {
    ++app_calls;
    return Response{418, "the app answered\n", "app", {}};
  };
  std::optional<WorkerChain> chain_;

  void use_default_stack() { chain_.emplace(build()); }
};

TEST_F(DefaultStackTest, OrderWhenProcessingJobs) {
  const WorkerChain chain = build();
  EXPECT_EQ(chain.stack.order(),
            (std::vector<std::type_index>{typeid(RequestLog), typeid(SourceCheck), typeid(WorkerEndpoints),
                                          typeid(SqsdOnly), typeid(PeriodicTasks), typeid(VerifySignature)}));
  // The one end is the dispatcher.
  ASSERT_NE(chain.end.target<Dispatch>(), nullptr);
}

TEST_F(DefaultStackTest, OnlyRequestLogWhenNotProcessingJobs) {
  config.process_jobs = false;
  const WorkerChain chain = build();
  EXPECT_EQ(chain.stack.order(), (std::vector<std::type_index>{typeid(RequestLog)}));

  // Everything, even a signed job from the daemon, goes to the app.
  Request request = signed_job(envelope("EchoJob"));
  const Response r = chain.call(request);
  EXPECT_EQ(r.status, 418);
  EXPECT_EQ(app_calls, 1);
  EXPECT_EQ(echo.runs, 0);
}

TEST_F(DefaultStackTest, ProcessingJobsNeedsASigningKeyOfFullLength) {
  EXPECT_THROW(default_stack(config, registry, std::nullopt, app), std::invalid_argument);
  EXPECT_THROW(default_stack(config, registry, WorkerParts{.keys = {.current = "short"}}, app), std::invalid_argument);
  config.process_jobs = false;
  EXPECT_NO_THROW(default_stack(config, registry, std::nullopt, app));
}

TEST_F(DefaultStackTest, SignedValidEnvelopeRunsTheJob) {
  use_default_stack();
  const std::string body = envelope("EchoJob", R"(["hello",{"n":2}])");
  Request request = signed_job(body);
  const Response r = call(request);
  EXPECT_EQ(r.status, 200) << r.reason;
  EXPECT_EQ(r.body, "OK\n");
  EXPECT_EQ(echo.runs, 1);
  EXPECT_EQ(echo.arguments, R"(["hello",{"n":2}])");
  EXPECT_EQ(app_calls, 0);
  EXPECT_EQ(r.job, "EchoJob");
}

TEST_F(DefaultStackTest, DigestHeaderNameIsCaseInsensitive) {
  use_default_stack();
  const std::string body = envelope("EchoJob");
  Request request = sqsd_request(body, std::nullopt);
  request.headers.add("x-aws-sqsd-attr-message-digest", digest(body));
  EXPECT_EQ(call(request).status, 200);
  EXPECT_EQ(echo.runs, 1);
}

TEST_F(DefaultStackTest, UnsignedIsRefused) {
  use_default_stack();
  const Response r = call(sqsd_request(envelope("EchoJob"), std::nullopt));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.reason, "message is not signed: no message-digest attribute");
  EXPECT_EQ(echo.runs, 0);
  EXPECT_EQ(app_calls, 0);
}

TEST_F(DefaultStackTest, WrongDigestIsRefused) {
  use_default_stack();
  const std::string body = envelope("EchoJob");
  const std::string good = digest(body);
  std::string upper = good;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& bad : {digest(body, kOtherWorkerKey), digest(body + " "), upper,
                                 good.substr(0, 63), std::string(), std::string("nonsense")}) {
    SCOPED_TRACE(bad);
    const Response r = call(sqsd_request(body, bad));
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.reason,
              "message-digest does not match the body (wrong key, or the body was altered)");
  }
  // The body changed after signing.
  Request altered = sqsd_request(envelope("EchoJob", "[1]"), good);
  EXPECT_EQ(call(altered).status, 403);
  EXPECT_EQ(echo.runs, 0);
}

TEST_F(DefaultStackTest, InvalidEnvelopeIs400EvenWhenSigned) {
  use_default_stack();
  const std::string body = R"({"job_class":"EchoJob","arguments":[]})";
  const Response r = call(signed_job(body));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.reason, "body is not a valid job envelope: missing field \"job_id\"");
  EXPECT_EQ(call(signed_job("not json")).status, 400);
  EXPECT_EQ(call(signed_job("")).status, 400);
  EXPECT_EQ(echo.runs, 0);
}

TEST_F(DefaultStackTest, UnknownJobIs404) {
  use_default_stack();
  const Response r = call(signed_job(envelope("NoSuchJob")));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.reason, "unknown job NoSuchJob");
}

TEST_F(DefaultStackTest, FailingAndThrowingJobsAre500) {
  use_default_stack();
  const Response failed = call(signed_job(envelope("FailingJob")));
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.reason, "job failed: disk full");

  const Response threw = call(signed_job(envelope("ThrowingJob")));
  EXPECT_EQ(threw.status, 500);
  EXPECT_EQ(threw.reason, "job threw: boom");
}

TEST_F(DefaultStackTest, NonLoopbackPeerIsRefusedWhateverTheHeadersSay) {
  use_default_stack();
  Request request = signed_job(envelope("EchoJob"));
  request.peer_address = "203.0.113.7";
  request.headers.add("X-Forwarded-For", "127.0.0.1");
  request.headers.add("X-Real-IP", "127.0.0.1");
  const Response r = call(request);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.reason.find("203.0.113.7"), std::string::npos) << r.reason;
  EXPECT_EQ(echo.runs, 0);
  EXPECT_EQ(app_calls, 0);

  Request periodic = periodic_request("NightlyCleanupJob");
  periodic.peer_address = "::2";
  EXPECT_EQ(call(periodic).status, 403);
  EXPECT_EQ(nightly.runs, 0);
}

TEST_F(DefaultStackTest, TrustedSourceIsAllowed) {
  config.trusted_sources = IpRange::parse_list("172.17.0.1").value();
  use_default_stack();
  Request request = signed_job(envelope("EchoJob"));
  request.peer_address = "172.17.0.1";
  EXPECT_EQ(call(request).status, 200);
  request.peer_address = "::ffff:172.17.0.1";
  EXPECT_EQ(call(request).status, 200);
  EXPECT_EQ(echo.runs, 2);
  request.peer_address = "172.17.0.2";
  EXPECT_EQ(call(request).status, 403);
  EXPECT_EQ(echo.runs, 2);
}

TEST_F(DefaultStackTest, RequestsNotFromTheDaemonGoToTheApp) {
  use_default_stack();
  const std::string body = envelope("EchoJob");
  for (const char* agent : {"curl/8.5.0", "Mozilla/5.0", "", "my-aws-sqsd", "sq"}) {
    SCOPED_TRACE(agent);
    const Response r = call(sqsd_request(body, digest(body), agent));
    EXPECT_EQ(r.status, 418);
  }
  Request no_agent;  // no User-Agent header at all
  no_agent.method = "POST";
  no_agent.path = "/";
  no_agent.peer_address = "127.0.0.1";
  no_agent.body = body;
  EXPECT_EQ(call(no_agent).status, 418);

  // The daemon only POSTs; anything else from it is for the app too.
  Request get = signed_job(body);
  get.method = "GET";
  EXPECT_EQ(call(get).status, 418);

  EXPECT_EQ(app_calls, 7);
  EXPECT_EQ(echo.runs, 0);
}

TEST_F(DefaultStackTest, DaemonUserAgentsAreAccepted) {
  use_default_stack();
  const std::string body = envelope("EchoJob");
  int expected_runs = 0;
  for (const char* agent :
       {"aws-sqsd/2.4", "aws-sqsd", "sqsd", "aws-sqsd/1.1", "aws-sqsd/3.0.4", "AWS-SQSD/2.0", "sqsd/1"}) {
    SCOPED_TRACE(agent);
    const Response r = call(sqsd_request(body, digest(body), agent));
    EXPECT_EQ(r.status, 200) << r.reason;
    EXPECT_EQ(echo.runs, ++expected_runs);
  }
  EXPECT_EQ(app_calls, 0);
}

TEST_F(DefaultStackTest, PeriodicTaskRunsWhenDeclaredAndRegistered) {
  use_default_stack();
  Request request = periodic_request("NightlyCleanupJob");
  const Response r = call(request);
  EXPECT_EQ(r.status, 200) << r.reason;
  EXPECT_EQ(nightly.runs, 1);
  EXPECT_EQ(nightly.arguments, "[]");
  ASSERT_TRUE(nightly.context.has_value());
  const JobContext& c = *nightly.context;
  EXPECT_EQ(c.task_name, std::optional<std::string>("NightlyCleanupJob"));
  EXPECT_EQ(c.scheduled_at, std::optional<std::string>("2019-11-14T00:47:00Z"));
  EXPECT_EQ(c.message_id, kMessageId);
  EXPECT_EQ(c.queue_name, kQueue);
  EXPECT_EQ(c.first_received_at, kFirstReceived);
  EXPECT_EQ(c.receive_count, 1);
  EXPECT_EQ(c.job_id, "");
  EXPECT_EQ(r.job, "NightlyCleanupJob");
  EXPECT_EQ(echo.runs, 0);
}

// A middleware the user adds runs last, around each message's job; one inserted before
// PeriodicTasks sees the periodic tasks too, those refused included.
struct Count : Middleware {
  explicit Count(std::vector<std::string>& seen) : seen_(seen) {}
  Response call(Request& request, const Next& next) const override {
    Response response = next(request);
    seen_.push_back(response.job + " " + std::to_string(response.status));
    return response;
  }
  std::vector<std::string>& seen_;
};

TEST_F(DefaultStackTest, AnAddedMiddlewareSeesTheMessages) {
  std::vector<std::string> seen;
  chain_.emplace(build());
  chain_->stack.add<Count>(seen);
  EXPECT_EQ(call(periodic_request("NightlyCleanupJob")).status, 200);
  EXPECT_EQ(call(signed_job(envelope("EchoJob"))).status, 200);
  EXPECT_EQ(seen, (std::vector<std::string>{"EchoJob 200"}));
}

TEST_F(DefaultStackTest, AMiddlewareInsertedBeforePeriodicTasksSeesMessagesAndTasks) {
  std::vector<std::string> seen;
  chain_.emplace(build());
  chain_->stack.insert_before<PeriodicTasks>(std::make_unique<Count>(seen));
  EXPECT_EQ(call(periodic_request("NightlyCleanupJob")).status, 200);
  EXPECT_EQ(call(signed_job(envelope("EchoJob"))).status, 200);
  EXPECT_EQ(call(periodic_request("FailingJob")).status, 404);  // not in cron.yaml: still seen
  EXPECT_EQ(seen, (std::vector<std::string>{"NightlyCleanupJob 200", "EchoJob 200", "FailingJob 404"}));
}

// VerifySignature checks whatever reaches it: a task name does not let an unsigned body by.
TEST(VerifySignatureAlone, ATaskNameIsNoWayPastTheSignature) {
  Stack stack;
  stack.add<VerifySignature>(VerifySignature::with_keys(std::string(kWorkerKey)).value());
  Request request;
  request.method = "POST";
  request.path = "/periodic_tasks";
  request.headers.add("X-Aws-Sqsd-Taskname", "NightlyCleanupJob");
  bool reached = false;
  const Response r = stack.call(request, [&](Request&) {
    reached = true;
    return Response::ok();
  });
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(reached);
  EXPECT_FALSE(VerifySignature::with_keys("too short")) << "keys under 32 bytes are refused";
}

TEST_F(DefaultStackTest, PeriodicTaskNotInCronFileIs404) {
  use_default_stack();
  const Response r = call(periodic_request("FailingJob"));  // registered, not declared
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.reason, "periodic task FailingJob is not declared in cron.yaml at /periodic_tasks");
  EXPECT_EQ(call(periodic_request("Unheard")).status, 404);
  EXPECT_EQ(nightly.runs, 0);
}

TEST_F(DefaultStackTest, PeriodicTaskDeclaredButNotRegisteredIs404) {
  use_default_stack();
  const Response r = call(periodic_request("HourlyJob"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.reason, "unknown job HourlyJob");
}

TEST_F(DefaultStackTest, PeriodicTaskOnlyRunsAtItsDeclaredUrl) {
  use_default_stack();
  // EchoJob is declared at /elsewhere, not at the periodic path.
  const Response here = call(periodic_request("EchoJob"));
  EXPECT_EQ(here.status, 404);
  // Declared at /periodic_tasks, arriving somewhere else: not run (and, unsigned, refused).
  const Response there = call(periodic_request("NightlyCleanupJob", "/other"));
  EXPECT_NE(there.status, 200);
  EXPECT_EQ(echo.runs, 0);
  EXPECT_EQ(nightly.runs, 0);
}

TEST_F(DefaultStackTest, PeriodicTaskRunsAtAnotherUrlItsCronEntryDeclares) {
  use_default_stack();
  // EchoJob is declared at /elsewhere: it runs there, though the periodic path is the default.
  EXPECT_EQ(call(periodic_request("EchoJob", "/elsewhere")).status, 200);
  EXPECT_EQ(echo.runs, 1);
  // A task declared elsewhere does not run at /elsewhere.
  const Response wrong = call(periodic_request("NightlyCleanupJob", "/elsewhere"));
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(wrong.reason, "periodic task NightlyCleanupJob is not declared in cron.yaml at /elsewhere");
  EXPECT_EQ(nightly.runs, 0);
}

TEST_F(DefaultStackTest, UnsignedEmptyPostWithoutTaskNameIsRefused) {
  use_default_stack();
  Request request = sqsd_request("", std::nullopt);
  request.path = "/periodic_tasks";
  EXPECT_EQ(call(request).status, 403);
  EXPECT_EQ(nightly.runs, 0);
}

TEST_F(DefaultStackTest, JobContextComesFromTheSqsdHeaders) {
  use_default_stack();
  auto e = Envelope::make("EchoJob", "[]");
  ASSERT_TRUE(e.has_value());
  const std::string body = e->to_json();
  EXPECT_EQ(call(signed_job(body)).status, 200);
  ASSERT_TRUE(echo.context.has_value());
  const JobContext& c = *echo.context;
  EXPECT_EQ(c.message_id, kMessageId);
  EXPECT_EQ(c.receive_count, 3);
  EXPECT_EQ(c.first_received_at, kFirstReceived);
  EXPECT_EQ(c.queue_name, kQueue);
  EXPECT_EQ(c.job_id, e->job_id);
  EXPECT_FALSE(c.task_name.has_value());
  EXPECT_FALSE(c.scheduled_at.has_value());
}

// Installs a logger writing into a string for one test, then puts the previous one back.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::string text() const { return out_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

TEST_F(DefaultStackTest, LogLinesCarryMessageIdAndJobButNoSecrets) {
  use_default_stack();
  const std::string body = envelope("EchoJob", R"(["secret-argument-value"])");
  const std::string sig = digest(body);
  std::string log;
  {
    const CapturedLog captured;
    EXPECT_EQ(call(signed_job(body)).status, 200);
    EXPECT_EQ(call(signed_job(envelope("FailingJob"))).status, 500);
    log = captured.text();
  }
  // The request line and the job's own line both name the message and the job.
  EXPECT_NE(log.find("POST / status=200 msgid=" + kMessageId + " job=EchoJob peer=127.0.0.1"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("msgid=" + kMessageId + " job=EchoJob recording job ran with 1 arguments"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("status=500 msgid=" + kMessageId + " job=FailingJob"), std::string::npos) << log;
  EXPECT_NE(log.find("reason=job failed: disk full"), std::string::npos) << log;
  EXPECT_EQ(log.find(sig), std::string::npos) << log;
  EXPECT_EQ(log.find("secret-argument-value"), std::string::npos) << log;
  EXPECT_EQ(log.find(kWorkerKey), std::string::npos) << log;
}

}  // namespace
}  // namespace ebworker
