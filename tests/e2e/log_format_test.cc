// The worker's and the daemon's logs in both formats, through fauxqs, `ebworker sqsd` and the
// worker: a job done, a job that fails, one signed with another key and one of an unknown class.
// In json every line of both logs is a JSON object with time, level and message, and the request
// and post lines carry their fields; in either format neither log holds SECRET_KEY_BASE, the
// key the bad message was signed with, or the AWS secret access key both processes were given.

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "core/json.h"
#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

constexpr std::string_view kAwsSecret = "wJalrXUtnFEMI-LOG-FORMAT-TEST-SECRET-KEY";
constexpr std::string_view kWrongKey = "another-key-LOG-FORMAT-TEST-0123456789abcdef";

std::vector<rapidjson::Document> json_lines(const std::string& log) {
  std::vector<rapidjson::Document> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    auto doc = parse_json(line);
    EXPECT_TRUE(doc && doc->IsObject()) << "not a JSON object: " << line;
    if (!doc || !doc->IsObject()) continue;
    for (const char* field : {"time", "level", "message"})
      EXPECT_TRUE(doc->HasMember(field) && (*doc)[field].IsString()) << field << " missing in " << line;
    out.push_back(std::move(*doc));
  }
  return out;
}

// The lines whose field `key` is the string `value`.
std::vector<const rapidjson::Document*> with(const std::vector<rapidjson::Document>& lines, const char* key,
                                             std::string_view value) {
  std::vector<const rapidjson::Document*> out;
  for (const auto& line : lines)
    if (line.HasMember(key) && line[key].IsString() && line[key].GetString() == value) out.push_back(&line);
  return out;
}

class LogFormat : public LocalStackTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void expect_no_secret(const std::string& log, const char* whose) {
    for (std::string_view secret : {kE2eKey, kWrongKey, kAwsSecret})
      EXPECT_EQ(log.find(secret), std::string::npos) << whose << " log holds a secret:\n" << log;
  }
};

TEST_P(LogFormat, EveryLineIsItsFormatAndNoneHoldsASecret) {
  const bool json = GetParam() == "json";
  const std::string queue = create_queue("log-format-" + GetParam());
  auto& worker = start_worker({{"EBWORKER_LOG_FORMAT", GetParam()}, {"AWS_SECRET_ACCESS_KEY", std::string(kAwsSecret)},
                               {"AWS_ACCESS_KEY_ID", "AKIDLOGFORMAT"}});
  auto& sqsd = start_sqsd(queue, worker.url(""), {"--error-visibility-timeout", "600"},
                          {{"EBWORKER_SQSD_LOG_FORMAT", GetParam()}, {"AWS_SECRET_ACCESS_KEY", std::string(kAwsSecret)}});
  const auto c = client(queue);
  auto done = c.enqueue("OutcomeJob", R"(["done"])");
  auto failed = c.enqueue("OutcomeJob", R"(["fail","upstream down"])");
  auto unknown = c.enqueue("NoSuchJob", "[]");
  auto forged = client(queue, [](ClientConfig& config) { config.secret = std::string(kWrongKey); })
                    .enqueue("EchoJob", R"(["forged"])");
  ASSERT_TRUE(done && failed && unknown && forged);
  const std::vector<std::string> ids = {done->message_id, failed->message_id, unknown->message_id, forged->message_id};
  // Every message answered and the daemon's line about it written.
  ASSERT_TRUE(eventually([&] {
    for (const auto& id : ids)
      if (lines_with(worker.log(), {id}).empty() || lines_with(sqsd_log(), {id}).empty()) return false;
    return true;
  }, 20s)) << worker.log() << sqsd_log();
  EXPECT_TRUE(worker.stop().success()) << worker.log();
  sqsd.send_signal(SIGTERM);
  ASSERT_TRUE(sqsd.wait_for_exit(15s)) << sqsd_log();

  expect_no_secret(worker.log(), "the worker's");
  expect_no_secret(sqsd_log(), "the daemon's");
  if (!json) {
    // The text lines as they always were.
    EXPECT_EQ(lines_with(worker.log(), {"POST / status=200 msgid=" + done->message_id + " job=OutcomeJob"}).size(), 1u)
        << worker.log();
    EXPECT_EQ(lines_with(sqsd_log(), {"msgid=" + done->message_id + " status=200 duration_ms=", ": deleting"}).size(), 1u)
        << sqsd_log();
    return;
  }

  const auto worker_lines = json_lines(worker.log());
  const auto sqsd_lines = json_lines(sqsd_log());
  ASSERT_FALSE(with(worker_lines, "message", "request").empty()) << worker.log();
  const auto request_of = [&](const std::string& id) -> const rapidjson::Document& {
    const auto lines = with(worker_lines, "message_id", id);
    static const rapidjson::Document none(rapidjson::kObjectType);
    EXPECT_EQ(lines.size(), 1u) << id << "\n" << worker.log();
    return lines.empty() ? none : *lines.front();
  };
  for (const auto& id : ids) {
    const auto& line = request_of(id);
    EXPECT_STREQ(line["message"].GetString(), "request");
    EXPECT_STREQ(line["method"].GetString(), "POST");
    EXPECT_STREQ(line["path"].GetString(), "/");
    EXPECT_TRUE(line["status"].IsInt());
    EXPECT_TRUE(line["duration_ms"].IsNumber());
    EXPECT_STREQ(line["peer"].GetString(), "127.0.0.1");
  }
  const auto& ok = request_of(done->message_id);
  EXPECT_EQ(ok["status"].GetInt(), 200);
  EXPECT_STREQ(ok["level"].GetString(), "info");
  EXPECT_STREQ(ok["job"].GetString(), "OutcomeJob");
  EXPECT_STREQ(ok["job_id"].GetString(), done->job_id.c_str());
  EXPECT_FALSE(ok.HasMember("reason"));
  const auto& bad = request_of(failed->message_id);
  EXPECT_EQ(bad["status"].GetInt(), 500);
  EXPECT_STREQ(bad["level"].GetString(), "warning");
  EXPECT_STREQ(bad["reason"].GetString(), "job failed: upstream down");
  EXPECT_EQ(request_of(unknown->message_id)["status"].GetInt(), 404);
  const auto& refused = request_of(forged->message_id);
  EXPECT_EQ(refused["status"].GetInt(), 403);
  EXPECT_TRUE(refused.HasMember("reason"));

  for (const auto& id : ids) {
    const auto lines = with(sqsd_lines, "message_id", id);
    ASSERT_EQ(lines.size(), 1u) << id << "\n" << sqsd_log();
    const auto& line = *lines.front();
    EXPECT_STREQ(line["queue"].GetString(), ("log-format-" + GetParam()).c_str());
    EXPECT_TRUE(line["status"].IsInt());
    EXPECT_TRUE(line["duration_ms"].IsInt());
  }
  const auto& deleted = *with(sqsd_lines, "message_id", done->message_id).front();
  EXPECT_STREQ(deleted["message"].GetString(), "deleting");
  EXPECT_EQ(deleted["status"].GetInt(), 200);
  const auto& kept = *with(sqsd_lines, "message_id", failed->message_id).front();
  EXPECT_STREQ(kept["message"].GetString(), "retry in 600 s");
  EXPECT_EQ(kept["status"].GetInt(), 500);
}

INSTANTIATE_TEST_SUITE_P(Formats, LogFormat, ::testing::Values("text", "json"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace ebworker::testing
