// The two log formats: the text lines stay word for word what they were (tests and people grep
// them), and in json every line is one valid JSON object with the fixed field names, whatever
// bytes a message quotes.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <regex>
#include <sstream>

#include "core/iso_time.h"
#include "core/json.h"
#include "core/log_event.h"
#include "http/request_log_line.h"

namespace ebworker {
namespace {

// The default logger writes into `lines` in the given format for the test's duration.
class LogFormats : public ::testing::Test {
 protected:
  void use(LogFormat format) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_);
    auto logger = std::make_shared<spdlog::logger>("log-format-test", sink);
    if (format == LogFormat::json) logger->set_formatter(json_log_formatter());
    else logger->set_formatter(text_log_formatter("%l %v"));
    logger->set_level(spdlog::level::info);
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(logger);
    set_log_format(format);
  }
  void TearDown() override {
    set_log_format(LogFormat::text);
    if (previous_) spdlog::set_default_logger(previous_);
  }
  std::string text() const { return lines_.str(); }
  // The one line logged, parsed.
  rapidjson::Document json_line() {
    const std::string all = text();
    EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 1) << all;
    auto doc = parse_json(all);
    if (!doc) ADD_FAILURE() << doc.error().message << " in " << all;
    return doc ? std::move(*doc) : rapidjson::Document();
  }

  std::ostringstream lines_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(LogFormat, Parses) {
  EXPECT_EQ(*parse_log_format("text"), LogFormat::text);
  EXPECT_EQ(*parse_log_format("json"), LogFormat::json);
  for (const char* bad : {"", "JSON", "logfmt", "json "}) {
    auto f = parse_log_format(bad);
    ASSERT_FALSE(f) << bad;
    EXPECT_NE(f.error().message.find("expected text or json"), std::string::npos);
  }
}

TEST_F(LogFormats, TextKeepsTheLineAsWritten) {
  use(LogFormat::text);
  log_event(spdlog::level::warn, "retry", {{"message_id", "m-1"}, {"status", 500}},
            "msgid={} status={}: retry in {} s", "m-1", 500, 2);
  EXPECT_EQ(text(), "warning msgid=m-1 status=500: retry in 2 s\n");
}

// A value from outside cannot break a text line or forge another: the request line of a peer
// whose message id holds a line break, and any control character, stays one line.
TEST_F(LogFormats, TextEscapesControlCharactersFromOutside) {
  use(LogFormat::text);
  Request request;
  request.method = "POST";
  request.path = "/\x1b[2J";
  request.peer_address = "10.0.0.9";
  request.headers.add("X-Aws-Sqsd-Msgid", "a\n2026-12-07T10:00:00.000Z info POST / status=200 msgid=x job=AdminJob\r\x07");
  log_request(request, Response::refuse(403, "untrusted source"));
  const std::string all = text();
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 1) << all;
  EXPECT_EQ(all.find_first_of("\r\x07\x1b"), std::string::npos) << all;
  EXPECT_NE(all.find("POST /\\x1b[2J status=403 msgid=a\\n2026-12-07T10:00:00.000Z info POST"), std::string::npos)
      << all;
  EXPECT_NE(all.find("job=AdminJob\\r\\x07 job=-"), std::string::npos) << all;
  lines_.str("");
  spdlog::info("a job's own log: {}", std::string("two\nlines\0and a NUL", 19));
  EXPECT_EQ(text(), "info a job's own log: two\\nlines\\x00and a NUL\n");
}

TEST_F(LogFormats, JsonHasTimeLevelMessageAndTypedFields) {
  use(LogFormat::json);
  log_event(spdlog::level::warn, "retry in 2 s",
            {{"message_id", "m-1"}, {"status", 500}, {"duration_ms", 12.34567}, {"job", ""}}, "unused {}", 1);
  const auto line = json_line();
  ASSERT_TRUE(line.IsObject());
  EXPECT_TRUE(is_iso8601_utc(line["time"].GetString()));
  EXPECT_TRUE(std::regex_match(line["time"].GetString(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  EXPECT_STREQ(line["level"].GetString(), "warning");
  EXPECT_STREQ(line["message"].GetString(), "retry in 2 s");
  EXPECT_STREQ(line["message_id"].GetString(), "m-1");
  EXPECT_EQ(line["status"].GetInt(), 500);
  EXPECT_DOUBLE_EQ(line["duration_ms"].GetDouble(), 12.346);
  EXPECT_FALSE(line.HasMember("job")) << "an empty field is unknown: left out";
}

TEST_F(LogFormats, PlainLinesBecomeJsonToo) {
  use(LogFormat::json);
  spdlog::info("a \"quoted\" line\twith a tab, a newline\nand a control \x01 byte");
  const auto line = json_line();
  ASSERT_TRUE(line.IsObject());
  EXPECT_STREQ(line["level"].GetString(), "info");
  EXPECT_STREQ(line["message"].GetString(), "a \"quoted\" line\twith a tab, a newline\nand a control \x01 byte");
  EXPECT_EQ(line.MemberCount(), 3u);
}

TEST_F(LogFormats, BytesThatAreNotUtf8StayValidJson) {
  use(LogFormat::json);
  const std::string bad = std::string("path /caf\xC3\xA9/") + "\xFF\xC3" + "(\xED\xA0\x80)";
  log_event(spdlog::level::info, bad, {{"path", bad}}, "{}", bad);
  const auto line = json_line();
  ASSERT_TRUE(line.IsObject());
  const std::string expected = "path /caf\xC3\xA9/\xEF\xBF\xBD\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD)";
  EXPECT_EQ(line["message"].GetString(), expected);
  EXPECT_EQ(line["path"].GetString(), expected);
}

// A probe of the worker's own endpoints every few seconds must not bury the jobs' lines: its
// successes are debug lines, its failures warnings like any other.
TEST_F(LogFormats, TheOwnEndpointsSuccessesAreDebugLines) {
  Request request;
  request.method = "GET";
  request.path = "/_ebworker/health";
  request.peer_address = "127.0.0.1";
  use(LogFormat::text);
  log_request(request, Response::ok());
  EXPECT_EQ(text(), "") << "a successful health probe logged at info";
  spdlog::default_logger()->set_level(spdlog::level::debug);
  log_request(request, Response::ok());
  EXPECT_EQ(text().rfind("debug GET /_ebworker/health status=200", 0), 0u) << text();
  lines_.str("");
  log_request(request, Response::refuse(503, "stopping"));
  EXPECT_EQ(text().rfind("warning GET /_ebworker/health status=503", 0), 0u) << text();
  lines_.str("");
  request.path = "/";  // a job's request stays an info line
  request.method = "POST";
  spdlog::default_logger()->set_level(spdlog::level::info);
  log_request(request, Response::ok());
  EXPECT_EQ(text().rfind("info POST / status=200", 0), 0u) << text();
}

TEST_F(LogFormats, TheRequestLineInBothFormats) {
  Request request;
  request.method = "POST";
  request.path = "/";
  request.peer_address = "127.0.0.1";
  request.headers.add("X-Aws-Sqsd-Msgid", "msg-7");
  Response response = Response::refuse(500, "job failed: boom");
  response.job = "EchoJob";
  response.job_id = "job-7";

  use(LogFormat::text);
  log_request(request, response);
  EXPECT_TRUE(std::regex_match(
      text(), std::regex(R"(warning POST / status=500 msgid=msg-7 job=EchoJob peer=127\.0\.0\.1 duration_ms=\d+\.\d{3} reason=job failed: boom\n)")))
      << text();
  lines_.str("");

  spdlog::set_default_logger(previous_);
  use(LogFormat::json);
  log_request(request, response);
  const auto line = json_line();
  ASSERT_TRUE(line.IsObject());
  EXPECT_STREQ(line["message"].GetString(), "request");
  EXPECT_STREQ(line["level"].GetString(), "warning");
  EXPECT_STREQ(line["method"].GetString(), "POST");
  EXPECT_STREQ(line["path"].GetString(), "/");
  EXPECT_EQ(line["status"].GetInt(), 500);
  EXPECT_STREQ(line["message_id"].GetString(), "msg-7");
  EXPECT_STREQ(line["job"].GetString(), "EchoJob");
  EXPECT_STREQ(line["job_id"].GetString(), "job-7");
  EXPECT_STREQ(line["peer"].GetString(), "127.0.0.1");
  EXPECT_TRUE(line["duration_ms"].IsNumber());
  EXPECT_STREQ(line["reason"].GetString(), "job failed: boom");
  EXPECT_FALSE(line.HasMember("task"));
}

}  // namespace
}  // namespace ebworker
