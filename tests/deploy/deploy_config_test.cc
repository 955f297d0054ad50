// The deploy kit's files agree with AWS's ranges (docs/wire-protocol.md, "The answer"), with each
// other and with the worker: .ebextensions/*.config, .platform/nginx/conf.d/*.conf, the Dockerfile
// and cron.yaml, read from the source tree.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <ebworker/environment.h>

#include "timeouts.h"
#include "worker/worker_config.h"

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = EBWORKER_SOURCE_DIR;

using Options = std::map<std::string, std::map<std::string, std::string>>;  // namespace → name → value

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == extension) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<long> parse_long(const std::string& text) {
  long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

// option_settings in either of the two shapes Beanstalk accepts: a map of namespace → options,
// or a list of {namespace, option_name, value}.
void collect_options(const YAML::Node& settings, const fs::path& file, Options& out) {
  if (settings.IsMap()) {
    for (const auto& ns : settings) {
      ASSERT_TRUE(ns.second.IsMap()) << file << ": namespace " << ns.first.as<std::string>();
      for (const auto& option : ns.second) {
        ASSERT_TRUE(option.second.IsScalar()) << file << ": " << option.first.as<std::string>();
        out[ns.first.as<std::string>()][option.first.as<std::string>()] = option.second.as<std::string>();
      }
    }
  } else if (settings.IsSequence()) {
    for (const auto& item : settings) {
      ASSERT_TRUE(item["namespace"] && item["option_name"] && item["value"]) << file;
      out[item["namespace"].as<std::string>()][item["option_name"].as<std::string>()] =
          item["value"].as<std::string>();
    }
  } else {
    FAIL() << file << ": option_settings is neither a map nor a list";
  }
}

class DeployConfig : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    options_ = new Options;
    for (const auto& file : files_in(kRoot / ".ebextensions", ".config")) {
      YAML::Node doc;
      try {
        doc = YAML::LoadFile(file.string());
      } catch (const YAML::Exception& e) {
        ADD_FAILURE() << file << " is not YAML: " << e.what();
        continue;
      }
      ASSERT_TRUE(doc.IsMap()) << file;
      if (doc["option_settings"]) collect_options(doc["option_settings"], file, *options_);
    }
  }
  static void TearDownTestSuite() {
    delete options_;
    options_ = nullptr;
  }

  static const std::map<std::string, std::string>& sqsd() { return (*options_)["aws:elasticbeanstalk:sqsd"]; }
  static const std::map<std::string, std::string>& env() {
    return (*options_)["aws:elasticbeanstalk:application:environment"];
  }
  static long sqsd_number(const std::string& name) {
    auto n = parse_long(sqsd().at(name));
    EXPECT_TRUE(n) << name << " = " << sqsd().at(name);
    return n.value_or(-1);
  }

  static Options* options_;
};

Options* DeployConfig::options_ = nullptr;

// docs/wire-protocol.md, "The answer": option → range (inclusive).
const std::map<std::string, std::pair<long, long>> kSqsdRanges = {
    {"HttpConnections", {1, 100}},         {"ConnectTimeout", {1, 60}},
    {"InactivityTimeout", {1, 36000}},     {"VisibilityTimeout", {0, 43200}},
    {"ErrorVisibilityTimeout", {0, 43200}}, {"RetentionPeriod", {60, 1209600}},
    {"MaxRetries", {1, 100}},
};

TEST_F(DeployConfig, EbextensionsExistAndParse) {
  const auto files = files_in(kRoot / ".ebextensions", ".config");
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    EXPECT_NO_THROW(YAML::LoadFile(file.string())) << file;
    EXPECT_NE(read_file(file).find('#'), std::string::npos) << file << " has no comment";
  }
}

TEST_F(DeployConfig, SqsdOptionsAreKnownAndComplete) {
  const std::set<std::string> known = {"WorkerQueueURL", "HttpPath", "MimeType",
                                       "HttpConnections", "ConnectTimeout", "InactivityTimeout",
                                       "VisibilityTimeout", "ErrorVisibilityTimeout",
                                       "RetentionPeriod", "MaxRetries"};
  for (const auto& [name, value] : sqsd()) {
    EXPECT_TRUE(known.count(name)) << "unknown sqsd option " << name;
  }
  for (const auto& name : known)
    if (name != "WorkerQueueURL") {
      EXPECT_TRUE(sqsd().count(name)) << "sqsd option " << name << " not set";
    }
}

TEST_F(DeployConfig, SqsdNumbersLieWithinAwsRanges) {
  for (const auto& [name, range] : kSqsdRanges) {
    if (!sqsd().count(name)) continue;
    const long n = sqsd_number(name);
    EXPECT_GE(n, range.first) << name;
    EXPECT_LE(n, range.second) << name;
  }
}

TEST_F(DeployConfig, SqsdTextOptions) {
  ASSERT_TRUE(sqsd().count("HttpPath"));
  EXPECT_EQ(sqsd().at("HttpPath").substr(0, 1), "/");
  EXPECT_EQ(sqsd().at("MimeType"), "application/json");
  if (sqsd().count("WorkerQueueURL")) {
    EXPECT_EQ(sqsd().at("WorkerQueueURL").rfind("https://", 0), 0u);
  }
}

// Every timeout of the kit follows InactivityTimeout (tests/deploy/timeouts.h); nginx's are
// checked with the nginx file below.
TEST_F(DeployConfig, TimeoutsFollowInactivityTimeout) {
  const ebworker::deploy::Timeouts kit{sqsd_number("InactivityTimeout")};
  EXPECT_EQ(sqsd_number("VisibilityTimeout"), kit.visibility()) << "VisibilityTimeout = InactivityTimeout + 60";
  ASSERT_TRUE(env().count("EBWORKER_JOB_TIME_BUDGET")) << "the kit sets the budget next to the timeout it follows";
  EXPECT_EQ(parse_long(env().at("EBWORKER_JOB_TIME_BUDGET")), kit.job_time_budget())
      << "EBWORKER_JOB_TIME_BUDGET = InactivityTimeout x 2/3";

  ebworker::Environment environment(env().begin(), env().end());
  environment["SECRET_KEY_BASE"] = std::string(64, 'k');
  auto config = ebworker::load_worker_config(environment, {});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->job_time_budget.count(), kit.job_time_budget());
  EXPECT_GT(config->connection_timeout.count(), kit.inactivity) << "EBWORKER_CONNECTION_TIMEOUT";
  // Beanstalk's stop timeout is Docker's, fixed: running jobs get the shutdown timeout within it.
  EXPECT_LT(config->shutdown_timeout.count(), ebworker::deploy::kDockerStopGraceSeconds)
      << "EBWORKER_SHUTDOWN_TIMEOUT";
}

TEST_F(DeployConfig, WorkerEnvironmentMatchesTheDaemon) {
  ASSERT_TRUE(env().count("EBWORKER_PROCESS_JOBS"));
  EXPECT_EQ(env().at("EBWORKER_PROCESS_JOBS"), "true");
  ASSERT_TRUE(env().count("EBWORKER_JOB_THREADS"));
  EXPECT_EQ(parse_long(env().at("EBWORKER_JOB_THREADS")), sqsd_number("HttpConnections"));
}

TEST_F(DeployConfig, NoSecretIsCommitted) {
  for (const auto& [ns, options] : *options_)
    for (const auto& [name, value] : options) {
      EXPECT_EQ(name.find("SECRET"), std::string::npos) << ns << ": " << name << " belongs in the console";
      EXPECT_EQ(name.find("AWS_ACCESS_KEY"), std::string::npos) << ns << ": " << name;
    }
}

TEST_F(DeployConfig, WorkerAcceptsTheEnvironment) {
  ebworker::Environment environment(env().begin(), env().end());
  environment["SECRET_KEY_BASE"] = std::string(64, 'k');
  auto config = ebworker::load_worker_config(environment, {});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->process_jobs);
  EXPECT_EQ(static_cast<long>(config->job_threads), sqsd_number("HttpConnections"));
  EXPECT_GE(config->max_body, 1024u * 1024u) << "an SQS message may be 1 MiB";
}

TEST_F(DeployConfig, DeploymentCommandTimeoutInRange) {
  const auto& command = (*options_)["aws:elasticbeanstalk:command"];
  if (!command.count("Timeout")) GTEST_SKIP() << "no aws:elasticbeanstalk:command Timeout";
  auto n = parse_long(command.at("Timeout"));
  ASSERT_TRUE(n);
  EXPECT_GE(*n, 1);
  EXPECT_LE(*n, 3600);
}

// nginx time: a number with an optional unit (ms s m h d); seconds, or nullopt.
std::optional<long> nginx_seconds(const std::string& value) {
  std::smatch m;
  if (!std::regex_match(value, m, std::regex(R"((\d+)(ms|s|m|h|d)?)"))) return std::nullopt;
  const long n = std::stol(m[1]);
  const std::string unit = m[2];
  if (unit == "ms") return n / 1000;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  if (unit == "d") return n * 86400;
  return n;
}

std::optional<long> nginx_bytes(const std::string& value) {
  std::smatch m;
  if (!std::regex_match(value, m, std::regex(R"((\d+)([kKmMgG])?)"))) return std::nullopt;
  long n = std::stol(m[1]);
  const std::string unit = m[2];
  if (unit == "k" || unit == "K") n *= 1024;
  if (unit == "m" || unit == "M") n *= 1024 * 1024;
  if (unit == "g" || unit == "G") n *= 1024L * 1024 * 1024;
  return n;
}

// directive → value, from simple one-line `name value;` directives (comments dropped).
std::map<std::string, std::string> nginx_directives(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::istringstream in(read_file(file));
  std::string line;
  const std::regex directive(R"(^\s*([a-z_]+)\s+([^;#]+?)\s*;)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, directive)) out[m[1]] = m[2];
  }
  return out;
}

TEST_F(DeployConfig, NginxTimeoutsFollowInactivityTimeout) {
  const auto files = files_in(kRoot / ".platform/nginx/conf.d", ".conf");
  ASSERT_FALSE(files.empty());
  std::map<std::string, std::string> all;
  for (const auto& file : files) all.merge(nginx_directives(file));
  const ebworker::deploy::Timeouts kit{sqsd_number("InactivityTimeout")};
  for (const char* name : {"proxy_read_timeout", "proxy_send_timeout", "send_timeout"}) {
    ASSERT_TRUE(all.count(name)) << name << " not set: nginx's 60 s default cuts long jobs";
    auto seconds = nginx_seconds(all.at(name));
    ASSERT_TRUE(seconds) << name << " " << all.at(name);
    EXPECT_EQ(*seconds, kit.nginx()) << name << " = InactivityTimeout + 5 s";
  }
  ASSERT_TRUE(all.count("client_max_body_size"));
  auto bytes = nginx_bytes(all.at("client_max_body_size"));
  ASSERT_TRUE(bytes);
  EXPECT_GT(*bytes, 1024 * 1024) << "an SQS message may be 1 MiB";
}

// `ENV NAME=value` lines, `EXPOSE n`, the stages' FROM and the last USER.
struct Dockerfile {
  std::map<std::string, std::string> env;
  std::vector<std::string> from;
  std::string expose, user;
};

Dockerfile read_dockerfile() {
  Dockerfile d;
  std::istringstream in(read_file(kRoot / "Dockerfile"));
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, std::regex(R"(ENV ([A-Z_]+)=(\S+)\s*)"))) d.env[m[1]] = m[2];
    else if (std::regex_match(line, m, std::regex(R"(FROM (\S+).*)"))) d.from.push_back(m[1]);
    else if (std::regex_match(line, m, std::regex(R"(EXPOSE (\d+)\s*)"))) d.expose = m[1];
    else if (std::regex_match(line, m, std::regex(R"(USER (\S+)\s*)"))) d.user = m[1];
  }
  return d;
}

TEST_F(DeployConfig, DockerfileListensWhereTheProxyPointsAndTrustsTheBridge) {
  const Dockerfile d = read_dockerfile();
  ASSERT_EQ(d.from.size(), 2u) << "multi-stage: build, runtime";
  // Amazon ECR Public's mirror of the Debian image: no anonymous pull limits on each instance's build.
  for (const auto& image : d.from)
    EXPECT_TRUE(image == "public.ecr.aws/debian/debian:12" || image == "public.ecr.aws/debian/debian:12-slim")
        << image;
  EXPECT_FALSE(d.user.empty());
  EXPECT_NE(d.user, "root");
  EXPECT_NE(d.user, "0");
  ASSERT_FALSE(d.expose.empty());
  EXPECT_EQ(d.env.at("PORT"), d.expose);
  if (env().count("PORT")) {
    EXPECT_EQ(env().at("PORT"), d.expose);
  }
  EXPECT_EQ(d.env.at("EBWORKER_BIND"), "0.0.0.0");
  // The container's default gateway (the Docker bridge nginx connects from), whatever its address.
  EXPECT_EQ(d.env.at("EBWORKER_TRUSTED_SOURCES"), "gateway");

  // A container on a bridge whose gateway is 192.168.0.1: that address, and only it, is trusted.
  const fs::path routes = fs::temp_directory_path() / ("ebworker_deploy_route_" + std::to_string(::getpid()));
  std::ofstream(routes) << "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                           "eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                           "eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
  ebworker::Environment environment(d.env.begin(), d.env.end());
  auto config = ebworker::load_worker_config(environment, {}, routes.string());
  fs::remove(routes);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->trusted_gateway, "192.168.0.1");
  ASSERT_EQ(config->trusted_sources.size(), 1u);
  EXPECT_TRUE(config->trusted_sources[0].contains(*ebworker::parse_ip("192.168.0.1")));
  EXPECT_FALSE(config->trusted_sources[0].contains(*ebworker::parse_ip("192.168.0.2")));
}

// The worker reads the image's copy of the bundle's cron.yaml: the Dockerfile must copy it.
TEST_F(DeployConfig, TheImageCarriesTheBundlesCronFile) {
  std::ifstream in(kRoot / "Dockerfile");
  ASSERT_TRUE(in);
  const std::string dockerfile((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(std::regex_search(dockerfile, std::regex(R"((^|\n)COPY [^\n]*cron\.yaml /app/cron\.yaml\n)")))
      << "the Dockerfile does not copy cron.yaml to /app/cron.yaml";
}

}  // namespace
