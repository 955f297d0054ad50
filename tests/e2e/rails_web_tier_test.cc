// A Rails web tier's jobs on the C++ worker, end to end: Rails 6.1's own ActiveJob makes the
// bodies and Ruby's OpenSSL signs them as active_elastic_job does (rails/web_tier.rb); they go
// through fauxqs and `ebworker sqsd` to a worker accepting ebworker, active_elastic_job and
// active_job (EchoJob unsigned). Each argument type arrives as docs/rails.md says; a forged
// digest is refused 403 and an app's own serializer 501, both kept in the queue. A Rails job's
// retry travels in hops in the format it came in.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <string>

#include "core/json.h"
#include "envelope/message_format.h"
#include "envelope/signer.h"
#include "sqs/sqs_client.h"
#include "e2e/support/retrying_worker.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

struct RailsMessage {
  std::string body;
  std::optional<std::string> digest;
};

// The messages rails/web_tier.rb makes, by name.
std::map<std::string, RailsMessage> rails_messages() {
  Environment env = base_environment();
  env["SECRET_KEY_BASE"] = std::string(kE2eKey);
  const auto made = run_command("ruby", {std::string(EBWORKER_SOURCE_DIR) + "/tests/e2e/rails/web_tier.rb"}, env, 60s);
  if (!made.success()) throw std::runtime_error("rails/web_tier.rb failed: " + made.describe());
  std::map<std::string, RailsMessage> out;
  for (const auto& line : lines_with(made.out, {"{"})) {
    auto doc = parse_json(line);
    if (!doc) throw std::runtime_error("not JSON: " + line);
    const auto& digest = (*doc)["digest"];
    out[(*doc)["name"].GetString()] = {(*doc)["body"].GetString(),
                                       digest.IsString() ? std::optional<std::string>(digest.GetString()) : std::nullopt};
  }
  return out;
}

class RailsWebTier : public LocalStackTest {
 protected:
  // Sends a Rails message as its gem does: active_elastic_job's attributes when signed,
  // aws-activejob-sqs's when not.
  std::string send(const std::string& queue, const RailsMessage& m) {
    OutgoingMessage out;
    out.body = m.body;
    if (m.digest) {
      out.attributes = {{std::string(kDigestAttribute), "String", *m.digest},
                        {std::string(kOriginAttribute), "String", std::string(kAejOriginValue)}};
    } else {
      rapidjson::Document body;
      body.Parse(m.body.c_str());
      out.attributes = {{std::string(kActiveJobClassAttribute), "String", body["job_class"].GetString()},
                        {std::string(kActiveJobVersionAttribute), "String", "1.2.0"}};
    }
    auto sent = fauxqs_.sqs().send_message(queue, out);
    if (!sent) throw std::runtime_error(sent.error().describe());
    return sent->message_id;
  }
};

TEST_F(RailsWebTier, RailsJobsRunWithTheirArgumentsAsPlainJson) {
  const auto messages = rails_messages();
  const std::string queue = create_queue("rails");
  auto& worker = start_worker({{"EBWORKER_ACCEPT", "ebworker,active_elastic_job,active_job"},
                               {"EBWORKER_UNSIGNED_JOBS", "EchoJob"}});
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  for (const char* name : {"table", "namespaced", "unsigned"}) send(queue, messages.at(name));
  const std::string forged = send(queue, messages.at("forged"));
  const std::string app_serializer = send(queue, messages.at("app_serializer"));

  ASSERT_TRUE(eventually([&] { return lines_with(echo_output(), {"["}).size() == 3; }, 20s))
      << worker.log();
  const std::string out = echo_output();
  EXPECT_EQ(lines_with(out, {R"(["text",42,2.5,null,true,false,{"a":1,"b":{"c":[1,"two"]}},"symbol",)"
                             R"("2026-11-23T10:31:40.123456000Z","2026-11-23",300,"0.15e1","gid://my-app/User/42",)"
                             "{\"note\":\"<caf\xc3\xa9>\",\"force\":true}]"})
                .size(),
            1u)
      << out;
  EXPECT_EQ(lines_with(out, {R"(["namespaced"])"}).size(), 1u) << "Admin::EchoJob ran: " << out;
  EXPECT_EQ(lines_with(out, {R"(["unsigned"])"}).size(), 1u) << out;

  // Refused and kept: the forged digest (403) and the argument only the Rails app can read (501).
  ASSERT_TRUE(eventually([&] { return !worker.request_lines(forged).empty() &&
                                      !worker.request_lines(app_serializer).empty(); }, 20s))
      << worker.log();
  const auto forged_line = worker.request_lines(forged)[0];
  EXPECT_NE(forged_line.find("status=403"), std::string::npos) << forged_line;
  EXPECT_NE(forged_line.find("HMAC-SHA1"), std::string::npos) << forged_line;
  const auto serializer_line = worker.request_lines(app_serializer)[0];
  EXPECT_NE(serializer_line.find("status=501"), std::string::npos) << serializer_line;
  EXPECT_NE(serializer_line.find("MoneySerializer"), std::string::npos) << serializer_line;
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 2; }, 10s)) << sqsd_log();
  EXPECT_EQ(out.find("forged"), std::string::npos);
}

// OutcomeJob ["retry_once", N] asks for a retry on its first attempt and is done on the next. The
// worker accepts only Rails' formats, so a next attempt runs only if its hop went out as the
// message came in: signed with HMAC-SHA1 and origin AEJ, or unsigned. The signed one's 3 s is
// longer than a hop here (2 s): it travels with scheduled_at, in two hops.
TEST_F(RailsWebTier, ARailsJobsHopsGoOutInItsOwnFormat) {
  const auto messages = rails_messages();
  const std::string queue = create_queue("rails-hops");
  auto& worker = start_worker([&] {
    EnvChanges env = retrying_worker_env(queue, "", fauxqs_.endpoint());
    env["EBWORKER_ACCEPT"] = "active_elastic_job,active_job";
    env["EBWORKER_UNSIGNED_JOBS"] = "OutcomeJob";
    return env;
  }());
  start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"});
  for (const char* name : {"hop_signed", "hop_unsigned"}) {
    send(queue, messages.at(name));
    auto body = parse_json(messages.at(name).body);
    ASSERT_TRUE(body);
    const std::string job_id = (*body)["job_id"].GetString();
    EXPECT_TRUE(worker.wait_for_line("retry_once: attempt 2 of job " + job_id, 20s)) << name << "\n" << worker.log();
  }
  EXPECT_TRUE(lines_with(worker.log(), {"status=403"}).empty()) << worker.log();
  EXPECT_TRUE(eventually([&] { return messages_in(queue) == 0; }, 10s)) << sqsd_log();
}

}  // namespace
}  // namespace ebworker::testing
