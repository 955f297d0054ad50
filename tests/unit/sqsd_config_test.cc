// `ebworker sqsd`'s configuration (load_sqsd_config), driven by its own settings table: every
// EBWORKER_SQSD_* variable must have a row in kSpecs below, so a setting added without a test
// fails here. For each: its default, a value from the environment, its flag overriding the
// environment, and for numbers each end of the range (min and max taken; min-1 and max+1 refused
// with a message naming the variable, or the flag). The ranges are written out here as the
// docs and AWS's aws:elasticbeanstalk:sqsd options state them, and must agree with the table's
// own text and with docs/configuration.md's table.

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "sqsd/sqsd_config.h"

namespace ebworker {
namespace {

using Args = std::vector<std::string>;

constexpr const char* kSqsdQueueUrl = "http://sqs.us-east-1.localhost:4566/000000000000/jobs";

struct Range {
  long long min, max;
};

struct Spec {
  std::function<std::string(const SqsdConfig&)> read;  // the field, as text
  std::string value;        // a valid value, not the default
  std::string read_back;    // what `read` gives for `value` ("" : `value` itself)
  std::string other;        // another valid value, for the flag to override `value` with
  std::optional<Range> range;
  std::vector<std::string> refused;  // values that must be refused
};

std::string text_of(bool b) { return b ? "true" : "false"; }

const std::map<std::string, Spec, std::less<>>& specs() {
  static const std::map<std::string, Spec, std::less<>> kSpecs = {
      {"EBWORKER_SQSD_QUEUE_URL",
       {[](const SqsdConfig& c) { return c.queue_url; }, "https://sqs.eu-west-1.amazonaws.com/1/other", "",
        "http://127.0.0.1:4566/000000000000/third", {}, {"", "sqs.eu-west-1.amazonaws.com/1/q", "ftp://x/y"}}},
      {"EBWORKER_SQSD_WORKER_URL",
       {[](const SqsdConfig& c) { return c.worker_url; }, "http://127.0.0.1:8080/", "http://127.0.0.1:8080",
        "https://worker.internal", {}, {"", "127.0.0.1:5000", "localhost"}}},
      {"EBWORKER_SQSD_HTTP_PATH",
       {[](const SqsdConfig& c) { return c.http_path; }, "/jobs", "", "/other", {}, {"", "jobs"}}},
      {"EBWORKER_SQSD_MIME_TYPE",
       {[](const SqsdConfig& c) { return c.mime_type; }, "text/plain", "", "application/x-www-form-urlencoded", {},
        {""}}},
      {"EBWORKER_SQSD_HTTP_CONNECTIONS",
       {[](const SqsdConfig& c) { return std::to_string(c.http_connections); }, "10", "", "3", Range{1, 100}, {}}},
      {"EBWORKER_SQSD_CONNECT_TIMEOUT",
       {[](const SqsdConfig& c) { return std::to_string(c.connect_timeout); }, "10", "", "1", Range{1, 60}, {}}},
      {"EBWORKER_SQSD_INACTIVITY_TIMEOUT",
       {[](const SqsdConfig& c) { return std::to_string(c.inactivity_timeout); }, "900", "", "60", Range{1, 36000},
        {}}},
      {"EBWORKER_SQSD_VISIBILITY_TIMEOUT",
       {[](const SqsdConfig& c) { return std::to_string(c.visibility_timeout); }, "960", "", "30", Range{0, 43200},
        {}}},
      {"EBWORKER_SQSD_NO_HEARTBEAT",
       {[](const SqsdConfig& c) { return text_of(c.no_heartbeat); }, "true", "", "false", {}, {"yes", "off!"}}},
      {"EBWORKER_SQSD_ERROR_VISIBILITY_TIMEOUT",
       {[](const SqsdConfig& c) { return std::to_string(c.error_visibility_timeout); }, "30", "", "0",
        Range{0, 43200}, {}}},
      {"EBWORKER_SQSD_RETENTION_PERIOD",
       {[](const SqsdConfig& c) { return std::to_string(c.retention_period); }, "1209600", "", "86400",
        Range{60, 1209600}, {}}},
      {"EBWORKER_SQSD_MAX_RETRIES",
       {[](const SqsdConfig& c) { return std::to_string(c.max_retries); }, "3", "", "5", Range{1, 100}, {}}},
      {"EBWORKER_SQSD_CRON_FILE",
       {[](const SqsdConfig& c) { return c.cron_file; }, "/etc/app/cron.yaml", "", "other.yaml", {}, {""}}},
      {"EBWORKER_SQSD_LEADER",
       {[](const SqsdConfig& c) { return text_of(c.leader); }, "false", "", "true", {},
        {"maybe", "2", "yes", "dynamodb:", "dynamodb:ab", "dynamodb:a b c", "dynamo:table"}}},
      {"EBWORKER_SQSD_CREATE_LEADER_TABLE",
       {[](const SqsdConfig& c) { return text_of(c.create_leader_table); }, "true", "", "false", {}, {"yes", "1x"}}},
      {"EBWORKER_SQSD_LEADER_LEASE",
       {[](const SqsdConfig& c) { return std::to_string(c.leader_lease); }, "10", "", "3", Range{3, 600}, {}}},
      {"EBWORKER_SQSD_CREATE_QUEUES",
       {[](const SqsdConfig& c) { return text_of(c.create_queues); }, "true", "", "false", {}, {"yes please", "on"}}},
      {"EBWORKER_SQSD_WAIT_TIME",
       {[](const SqsdConfig& c) { return std::to_string(c.wait_time); }, "1", "", "0", Range{0, 20}, {}}},
      {"EBWORKER_SQSD_RECEIVES",
       {[](const SqsdConfig& c) { return std::to_string(c.receives); }, "8", "", "1", Range{1, 10}, {}}},
      {"EBWORKER_SQSD_HEALTH_PORT",
       {[](const SqsdConfig& c) { return std::to_string(c.health_port); }, "8081", "", "9100", Range{0, 65535}, {}}},
      {"EBWORKER_SQSD_HEALTH_BIND",
       {[](const SqsdConfig& c) { return c.health_bind; }, "0.0.0.0", "", "10.0.0.7", {},
        {"", "localhost", "::1", "127.0.0.1:80", "256.0.0.1"}}},
      {"EBWORKER_SQSD_LOG_LEVEL",
       {[](const SqsdConfig& c) { return c.log_level; }, "debug", "", "warn", {}, {"", "verbose", "INFO!"}}},
      {"EBWORKER_SQSD_LOG_FORMAT",
       {[](const SqsdConfig& c) { return std::string(c.log_format == LogFormat::json ? "json" : "text"); }, "json",
        "", "text", {}, {"", "JSON", "logfmt"}}},
  };
  return kSpecs;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The environment with the required queue URL, plus `extra`.
Environment env_with(std::map<std::string, std::string> extra = {}) {
  Environment env{{"EBWORKER_SQSD_QUEUE_URL", kSqsdQueueUrl}};
  for (auto& [k, v] : extra) env[k] = v;
  return env;
}

Result<SqsdConfig> load(const Environment& env, const Args& args = {}) { return load_sqsd_config(env, args); }

// Each row's spec, or a failure naming the row that has none.
const Spec* spec_of(const SqsdSetting& s) {
  const auto it = specs().find(s.env);
  if (it == specs().end()) {
    ADD_FAILURE() << s.env << " (" << s.flag << ") is in sqsd_settings() but has no row in this test's kSpecs";
    return nullptr;
  }
  return &it->second;
}

TEST(SqsdConfig, EverySettingIsCoveredAndNamedByItsFlag) {
  ASSERT_FALSE(sqsd_settings().empty());
  for (const auto& s : sqsd_settings()) {
    SCOPED_TRACE(std::string(s.env));
    spec_of(s);
    // --queue-url → EBWORKER_SQSD_QUEUE_URL (sqsd_config.h).
    ASSERT_GT(s.flag.size(), 2u);
    std::string expected = "EBWORKER_SQSD_";
    for (const char ch : s.flag.substr(2))
      expected.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    EXPECT_EQ(s.env, expected);
    EXPECT_FALSE(s.meaning.empty());
  }
  for (const auto& [env, spec] : specs()) {
    bool found = false;
    for (const auto& s : sqsd_settings()) found = found || s.env == env;
    EXPECT_TRUE(found) << env << " is tested here but is not in sqsd_settings()";
  }
}

TEST(SqsdConfig, QueueUrlIsRequired) {
  for (const Args& args : {Args{}, Args{"--wait-time", "1"}}) {
    auto c = load({}, args);
    ASSERT_FALSE(c);
    EXPECT_TRUE(contains(c.error().message, "EBWORKER_SQSD_QUEUE_URL")) << c.error().message;
    EXPECT_TRUE(contains(c.error().message, "--queue-url")) << c.error().message;
  }
}

TEST(SqsdConfig, DefaultsAreTheDocumentedOnes) {
  auto c = load(env_with());
  ASSERT_TRUE(c) << c.error().message;
  for (const auto& s : sqsd_settings()) {
    SCOPED_TRACE(std::string(s.env));
    const Spec* spec = spec_of(s);
    if (!spec || s.env == "EBWORKER_SQSD_QUEUE_URL") continue;
    EXPECT_EQ(spec->read(*c), s.fallback) << "the table documents " << s.fallback;
    EXPECT_NE(spec->read(*c), spec->read_back.empty() ? spec->value : spec->read_back)
        << "this test's value is the default, so it would prove nothing";
  }
  EXPECT_FALSE(c->cron_file_required) << "no cron file was named";
}

TEST(SqsdConfig, EachVariableIsReadFromTheEnvironment) {
  for (const auto& s : sqsd_settings()) {
    SCOPED_TRACE(std::string(s.env));
    const Spec* spec = spec_of(s);
    if (!spec) continue;
    auto c = load(env_with({{std::string(s.env), spec->value}}));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(spec->read(*c), spec->read_back.empty() ? spec->value : spec->read_back);
  }
  auto named = load(env_with({{"EBWORKER_SQSD_CRON_FILE", "cron.yaml"}}));
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_TRUE(named->cron_file_required) << "a cron file named explicitly must exist";
}

TEST(SqsdConfig, EachFlagOverridesItsVariable) {
  for (const auto& s : sqsd_settings()) {
    SCOPED_TRACE(std::string(s.flag));
    const Spec* spec = spec_of(s);
    if (!spec) continue;
    const auto env = env_with({{std::string(s.env), spec->value}});
    for (const Args& args : {Args{std::string(s.flag) + "=" + spec->other}, Args{std::string(s.flag), spec->other}}) {
      if (s.is_switch && args.size() == 2) continue;  // a switch takes its value after "=" only
      auto c = load(env, args);
      ASSERT_TRUE(c) << c.error().message;
      EXPECT_EQ(spec->read(*c), spec->other) << args[0];
    }
    // The last of two flags wins.
    auto twice = load(env, {std::string(s.flag) + "=" + spec->other, std::string(s.flag) + "=" + spec->value});
    ASSERT_TRUE(twice) << twice.error().message;
    EXPECT_EQ(spec->read(*twice), spec->read_back.empty() ? spec->value : spec->read_back);
  }
}

TEST(SqsdConfig, SwitchesAloneMeanTrue) {
  for (const auto& s : sqsd_settings()) {
    if (!s.is_switch) continue;
    SCOPED_TRACE(std::string(s.flag));
    const Spec* spec = spec_of(s);
    if (!spec) continue;
    auto c = load(env_with({{std::string(s.env), "false"}}), {std::string(s.flag)});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(spec->read(*c), "true");
  }
}

TEST(SqsdConfig, RangesAreTheDocumentedOnesAndBothEndsHold) {
  static const std::regex kRangeText(R"((\d+)-(\d+))");
  int numbers = 0;
  for (const auto& s : sqsd_settings()) {
    SCOPED_TRACE(std::string(s.env));
    const Spec* spec = spec_of(s);
    if (!spec || !spec->range) continue;
    ++numbers;
    const Range r = *spec->range;

    // The table's own text (its --help) states the same range.
    std::match_results<std::string_view::const_iterator> m;
    ASSERT_TRUE(std::regex_search(s.meaning.begin(), s.meaning.end(), m, kRangeText)) << s.meaning;
    EXPECT_EQ(std::stoll(m[1].str()), r.min) << s.meaning;
    EXPECT_EQ(std::stoll(m[2].str()), r.max) << s.meaning;

    for (const long long n : {r.min, r.max}) {
      auto from_env = load(env_with({{std::string(s.env), std::to_string(n)}}));
      ASSERT_TRUE(from_env) << n << ": " << from_env.error().message;
      EXPECT_EQ(spec->read(*from_env), std::to_string(n));
      auto from_flag = load(env_with(), {std::string(s.flag) + "=" + std::to_string(n)});
      ASSERT_TRUE(from_flag) << n << ": " << from_flag.error().message;
      EXPECT_EQ(spec->read(*from_flag), std::to_string(n));
    }
    for (const long long n : {r.min - 1, r.max + 1}) {
      auto from_env = load(env_with({{std::string(s.env), std::to_string(n)}}));
      ASSERT_FALSE(from_env) << n << " was taken";
      EXPECT_TRUE(contains(from_env.error().message, s.env)) << from_env.error().message;
      EXPECT_TRUE(contains(from_env.error().message, std::to_string(r.min) + " to " + std::to_string(r.max)))
          << from_env.error().message;
      auto from_flag = load(env_with(), {std::string(s.flag) + "=" + std::to_string(n)});
      ASSERT_FALSE(from_flag) << n << " was taken";
      EXPECT_TRUE(contains(from_flag.error().message, s.flag)) << from_flag.error().message;
    }
    for (const std::string bad : {"", "ten", "5s", " 5", "5 ", "+5", "0x10", "1e3", "99999999999999999999"}) {
      auto c = load(env_with({{std::string(s.env), bad}}));
      EXPECT_FALSE(c) << "\"" << bad << "\" was taken";
      if (!c) {
        EXPECT_TRUE(contains(c.error().message, s.env)) << c.error().message;
      }
    }
  }
  EXPECT_EQ(numbers, 11) << "HttpConnections, ConnectTimeout, InactivityTimeout, VisibilityTimeout, "
                            "ErrorVisibilityTimeout, RetentionPeriod, MaxRetries, WaitTime, Receives, HealthPort, "
                            "LeaderLease";
}

TEST(SqsdConfig, RefusedValuesNameTheVariableOrTheFlag) {
  for (const auto& s : sqsd_settings()) {
    SCOPED_TRACE(std::string(s.env));
    const Spec* spec = spec_of(s);
    if (!spec) continue;
    for (const auto& bad : spec->refused) {
      auto from_env = load(env_with({{std::string(s.env), bad}}));
      ASSERT_FALSE(from_env) << "\"" << bad << "\" was taken";
      EXPECT_TRUE(contains(from_env.error().message, s.env)) << from_env.error().message;
      auto from_flag = load(env_with(), {std::string(s.flag) + "=" + bad});
      ASSERT_FALSE(from_flag) << "\"" << bad << "\" was taken";
      EXPECT_TRUE(contains(from_flag.error().message, s.flag)) << from_flag.error().message;
    }
  }
}

// --leader dynamodb:TABLE elects the leader through a table; true and false drop the table.
TEST(SqsdConfig, LeaderThroughADynamoDbTable) {
  for (const Args& args : {Args{"--leader", "dynamodb:ebworker-leases"}, Args{"--leader=dynamodb:ebworker-leases"}}) {
    auto c = load(env_with(), args);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(c->leader);
    EXPECT_EQ(c->leader_table, "ebworker-leases");
  }
  auto from_env = load(env_with({{"EBWORKER_SQSD_LEADER", "dynamodb:T.a_b-1"}}));
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->leader_table, "T.a_b-1");
  auto one_daemon = load(env_with({{"EBWORKER_SQSD_LEADER", "dynamodb:leases"}}), {"--leader", "false"});
  ASSERT_TRUE(one_daemon) << one_daemon.error().message;
  EXPECT_FALSE(one_daemon->leader);
  EXPECT_EQ(one_daemon->leader_table, "");
  auto plain = load(env_with(), {"--leader", "--wait-time", "1"});
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_TRUE(plain->leader);
  EXPECT_EQ(plain->leader_table, "");
}

TEST(SqsdConfig, FlagsNeedValuesAndUnknownOnesAreRefused) {
  auto missing = load(env_with(), {"--wait-time"});
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "--wait-time")) << missing.error().message;
  auto unknown = load(env_with(), {"--http-connection", "3"});
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(contains(unknown.error().message, "--http-connection")) << unknown.error().message;
}

// docs/configuration.md's `ebworker sqsd` table: "| `--flag` | `VARIABLE` | `default` ... (min–max) |".
TEST(SqsdConfig, DocsTableMatchesTheSettings) {
  std::ifstream in(EBWORKER_SOURCE_DIR "/docs/configuration.md");
  ASSERT_TRUE(in) << "cannot read docs/configuration.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  for (const auto& s : sqsd_settings()) {
    SCOPED_TRACE(std::string(s.env));
    const std::string start = "| `" + std::string(s.flag) + "` | `" + std::string(s.env) + "` | ";
    const auto at = readme.find(start);
    ASSERT_NE(at, std::string::npos) << "no docs/configuration.md row starting " << start;
    const std::string cell = readme.substr(at + start.size(), readme.find('\n', at) - at - start.size());
    if (s.env == "EBWORKER_SQSD_QUEUE_URL") {
      EXPECT_TRUE(contains(cell, "(required)")) << cell;
      continue;
    }
    EXPECT_EQ(cell.rfind("`" + std::string(s.fallback) + "`", 0), 0u) << "the docs' default: " << cell;
    const Spec* spec = spec_of(s);
    if (!spec || !spec->range) continue;
    const std::string range = "(" + std::to_string(spec->range->min) + "\u2013" + std::to_string(spec->range->max) + ")";
    EXPECT_TRUE(contains(cell, range)) << "the docs' range, expected " << range << ": " << cell;
  }
}

}  // namespace
}  // namespace ebworker
