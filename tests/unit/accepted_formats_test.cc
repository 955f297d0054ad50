// The worker's default chain with Rails' message formats accepted (EBWORKER_ACCEPT): which
// messages run, which are refused and why, what the job sees of a Rails job's arguments, and the
// periodic task paths Rails' gems post to. No HTTP: requests shaped like aws-sqsd's go straight
// into the chain, with a real registry, signers and cron file.

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <vector>

#include <ebworker/worker/middleware/verify_signature.h>

#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "middleware/default_stack.h"

namespace ebworker {
namespace {

const std::string kRailsSecret = "rails-secret-key-base-0123456789abcdef0123456789abcdef";
const std::string kOldRailsSecret = "rails-old-secret-key-base-0123456789abcdef012345";

const char* kRailsCronYaml = R"(version: 1
cron:
  - name: "Admin::NightlyJob"
    url: "/periodic_tasks/nightly"
    schedule: "0 3 * * *"
  - name: "HourlyJob"
    url: "/"
    schedule: "@hourly"
)";

// Rails 6.1's serialize of Admin::SyncJob.perform_later(user, :full, note: "<café>", force: true).
const std::string kRailsBody =
    R"({"job_class":"Admin::SyncJob","job_id":"7d3f2b9e-8c41-4a57-b1e2-5f0a9c6d4e21","provider_job_id":null,)"
    R"("queue_name":"default","priority":null,"arguments":[{"_aj_globalid":"gid://my-app/User/42"},)"
    R"({"_aj_serialized":"ActiveJob::Serializers::SymbolSerializer","value":"full"},)"
    "{\"note\":\"<caf\xc3\xa9>\",\"force\":true,\"_aj_ruby2_keywords\":[\"note\",\"force\"]}],"
    R"("executions":0,"exception_executions":{},"locale":"en","timezone":"UTC",)"
    R"("enqueued_at":"2026-11-23T10:31:40Z"})";

std::string rails_json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

struct RailsSeen {
  int runs = 0;
  std::string arguments;
  std::string original;  // context.active_job_arguments, "" when null
};

class RailsRecordingJob : public Job {
 public:
  explicit RailsRecordingJob(RailsSeen& seen) : seen_(seen) {}
  JobResult perform(const rapidjson::Value& arguments, JobContext& context) override {
    ++seen_.runs;
    seen_.arguments = rails_json_text(arguments);
    seen_.original = context.active_job_arguments ? rails_json_text(*context.active_job_arguments) : "";
    return done();
  }

 private:
  RailsSeen& seen_;
};

class AcceptedFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.add("Admin::SyncJob", [this] { return std::make_unique<RailsRecordingJob>(sync); });
    registry.add("Admin::NightlyJob", [this] { return std::make_unique<RailsRecordingJob>(nightly); });
    registry.add("HourlyJob", [this] { return std::make_unique<RailsRecordingJob>(hourly); });
    registry.add("EchoJob", [this] { return std::make_unique<RailsRecordingJob>(echo); });
    config.process_jobs = true;
  }

  Response call(AcceptedFormats accept, Request request) {
    config.accept = std::move(accept);
    auto cron = CronFile::parse(kRailsCronYaml, "cron.yaml", registry);
    if (!cron) throw std::runtime_error(cron.error().message);
    WorkerChain chain = default_stack(
        config, registry, WorkerParts{.keys = {.current = kRailsSecret, .previous = {kOldRailsSecret}}, .cron = std::move(cron).value()},
        [](Request&) { return Response::refuse(404, "not found"); });
    return chain.call(request);
  }

  // A POST as aws-sqsd makes it, with these message attributes.
  static Request sqsd_request(std::string body, std::vector<std::pair<std::string, std::string>> attributes,
                              std::string path = "/") {
    Request r;
    r.method = "POST";
    r.path = std::move(path);
    r.peer_address = "127.0.0.1";
    r.body = std::move(body);
    r.headers.add("User-Agent", "aws-sqsd/3.0.4");
    r.headers.add("X-Aws-Sqsd-Msgid", "6ac3a9d1-5f7e-4a0e-9b1c-2d3e4f5a6b7c");
    r.headers.add("X-Aws-Sqsd-Receive-Count", "1");
    for (auto& [name, value] : attributes) r.headers.add("X-Aws-Sqsd-Attr-" + name, value);
    return r;
  }
  static Request aej_request(std::string body, const std::string& secret = kRailsSecret) {
    const std::string digest = hmac_hex(HmacDigest::sha1, secret, body);
    return sqsd_request(std::move(body), {{"message-digest", digest}, {"origin", "AEJ"}});
  }
  static Request unsigned_request(std::string body) {
    return sqsd_request(std::move(body), {{"aws_sqs_active_job_class", "Admin::SyncJob"},
                                          {"aws_sqs_active_job_version", "1.2.0"}});
  }
  static Request task_request(const std::string& task, const std::string& path) {
    Request r = sqsd_request("", {}, path);
    r.headers.add("X-Aws-Sqsd-Taskname", task);
    return r;
  }

  static AcceptedFormats aej() { return {.ebworker = true, .active_elastic_job = true}; }

  JobRegistry registry;
  WorkerConfig config;
  RailsSeen sync, nightly, hourly, echo;
};

TEST_F(AcceptedFormatsTest, AnAejMessageRunsWithItsArgumentsDecoded) {
  const Response r = call(aej(), aej_request(kRailsBody));
  EXPECT_EQ(r.status, 200) << r.reason;
  ASSERT_EQ(sync.runs, 1);
  EXPECT_EQ(sync.arguments, "[\"gid://my-app/User/42\",\"full\",{\"note\":\"<caf\xc3\xa9>\",\"force\":true}]");
  EXPECT_NE(sync.original.find("\"_aj_ruby2_keywords\":[\"note\",\"force\"]"), std::string::npos)
      << "the original form is in the context: " << sync.original;
}

TEST_F(AcceptedFormatsTest, AnAejMessageSignedWithThePreviousSecretRuns) {
  EXPECT_EQ(call(aej(), aej_request(kRailsBody, kOldRailsSecret)).status, 200);
  EXPECT_EQ(sync.runs, 1);
}

TEST_F(AcceptedFormatsTest, AnAejMessageIsRefusedWhenNotAccepted) {
  const Response r = call({}, aej_request(kRailsBody));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.reason.find("EBWORKER_ACCEPT"), std::string::npos) << r.reason;
  EXPECT_EQ(sync.runs, 0);
}

TEST_F(AcceptedFormatsTest, AWrongOrMissingAejDigestIsRefused) {
  EXPECT_EQ(call(aej(), aej_request(kRailsBody, kRailsSecret + "x")).status, 403);
  Request altered = aej_request(kRailsBody);
  altered.body += " ";
  EXPECT_EQ(call(aej(), std::move(altered)).status, 403);
  const std::string sha256 = hmac_hex(HmacDigest::sha256, kRailsSecret, kRailsBody);
  EXPECT_EQ(call(aej(), sqsd_request(kRailsBody, {{"message-digest", sha256}, {"origin", "AEJ"}})).status, 403)
      << "origin AEJ is checked as SHA-1";
  EXPECT_EQ(call(aej(), sqsd_request(kRailsBody, {{"origin", "AEJ"}})).status, 403);
  EXPECT_EQ(sync.runs, 0);
}

TEST_F(AcceptedFormatsTest, EbworkersOwnMessagesAreRefusedWhenNotAccepted) {
  auto envelope = Envelope::make("EchoJob", "[]");
  const std::string body = envelope->to_json();
  const Request own = sqsd_request(body, {{"message-digest", hmac_hex(HmacDigest::sha256, kRailsSecret, body)},
                                          {"origin", "ebworker"}});
  EXPECT_EQ(call({.ebworker = false, .active_elastic_job = true}, own).status, 403);
  EXPECT_EQ(call(aej(), own).status, 200) << "and run when accepted";
  EXPECT_EQ(echo.runs, 1);
}

TEST_F(AcceptedFormatsTest, AnUnsignedMessageRunsOnlyForAListedClass) {
  const AcceptedFormats unsigned_sync{.active_job = true, .unsigned_jobs = {"Admin::SyncJob"}};
  EXPECT_EQ(call({}, unsigned_request(kRailsBody)).status, 403) << "not accepted";
  EXPECT_EQ(sync.runs, 0);
  EXPECT_EQ(call(unsigned_sync, unsigned_request(kRailsBody)).status, 200);
  EXPECT_EQ(sync.runs, 1);
  EXPECT_EQ(sync.arguments, "[\"gid://my-app/User/42\",\"full\",{\"note\":\"<caf\xc3\xa9>\",\"force\":true}]");

  std::string other = kRailsBody;
  other.replace(other.find("Admin::SyncJob"), 14, "HourlyJob");
  const Response r = call(unsigned_sync, unsigned_request(other));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.reason.find("HourlyJob is not one of EBWORKER_UNSIGNED_JOBS"), std::string::npos) << r.reason;
  EXPECT_EQ(hourly.runs, 0);
}

TEST_F(AcceptedFormatsTest, ActiveJobWithNoUnsignedClassIsRefusedAtStart) {
  auto refused = VerifySignature::with_keys(kRailsSecret, {}, {.active_job = true});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("EBWORKER_UNSIGNED_JOBS"), std::string::npos);
}

TEST_F(AcceptedFormatsTest, AnUnknownSerializerIs501AndTheJobDoesNotRun) {
  std::string body = kRailsBody;
  body.replace(body.find("ActiveJob::Serializers::SymbolSerializer"), 40, "MoneySerializer");
  const Response r = call(aej(), aej_request(body));
  EXPECT_EQ(r.status, 501);
  EXPECT_NE(r.reason.find("MoneySerializer"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("kept"), std::string::npos) << r.reason;
  EXPECT_EQ(sync.runs, 0);
}

TEST_F(AcceptedFormatsTest, AMalformedRailsBodyIs400) {
  EXPECT_EQ(call(aej(), aej_request(R"({"job_class":"Admin::SyncJob","arguments":[]})")).status, 400);
}

TEST_F(AcceptedFormatsTest, PeriodicTasksRunAtEitherGemsPath) {
  // active_elastic_job's cron path (under /periodic_tasks) and aws-sdk-rails's (exactly /).
  EXPECT_EQ(call(aej(), task_request("Admin::NightlyJob", "/periodic_tasks/nightly")).status, 200);
  EXPECT_EQ(call(aej(), task_request("HourlyJob", "/")).status, 200);
  EXPECT_EQ(nightly.runs, 1);
  EXPECT_EQ(hourly.runs, 1);
  EXPECT_EQ(call(aej(), task_request("HourlyJob", "/periodic_tasks/nightly")).status, 404) << "at its own url only";
}

}  // namespace
}  // namespace ebworker
