// Worker configuration: defaults, then environment variables, then flags; a bad value stops
// start-up with a message naming the variable or flag.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "worker/worker_config.h"

namespace ebworker {
namespace {

using Args = std::vector<std::string>;

WorkerConfig load_worker(const Environment& env, const Args& args = {}) {
  auto c = load_worker_config(env, args);
  if (!c) ADD_FAILURE() << c.error().message;
  return c ? *c : WorkerConfig{};
}

std::string error_of(const Environment& env, const Args& args = {}) {
  auto c = load_worker_config(env, args);
  EXPECT_FALSE(c.has_value());
  return c ? std::string() : c.error().message;
}

bool trusts(const WorkerConfig& c, std::string_view address) {
  const auto ip = parse_ip(address);
  if (!ip) return false;
  for (const auto& r : c.trusted_sources)
    if (r.contains(*ip)) return true;
  return false;
}

TEST(WorkerConfig, Defaults) {
  const WorkerConfig c = load_worker({});
  EXPECT_EQ(c.bind, "127.0.0.1");
  EXPECT_EQ(c.port, 5000);
  EXPECT_FALSE(c.process_jobs);
  EXPECT_TRUE(c.trusted_sources.empty());
  EXPECT_EQ(c.cron_file, "cron.yaml");
  EXPECT_FALSE(c.cron_file_required);
  EXPECT_EQ(c.max_body, 1024u * 1024u);
  EXPECT_EQ(c.job_threads, 50u);
  EXPECT_EQ(c.io_threads, 2u);
  EXPECT_EQ(c.shutdown_timeout, std::chrono::seconds(30));
  EXPECT_EQ(c.log_level, "info");
}

TEST(WorkerConfig, DocumentedDefaultsAreTheRealDefaults) {
  // Feeding every setting its documented default changes nothing (except naming a cron file,
  // which makes it required, and the trusted list, the dead-letter queue and the unsigned jobs,
  // whose default is "none").
  Environment env;
  for (const auto& s : worker_settings())
    if (s.env != "EBWORKER_CRON_FILE" && s.env != "EBWORKER_TRUSTED_SOURCES" &&
        s.env != "EBWORKER_DEAD_LETTER_QUEUE_URL" && s.env != "EBWORKER_UNSIGNED_JOBS")
      env.emplace(std::string(s.env), std::string(s.fallback));
  const WorkerConfig documented = load_worker(env);
  const WorkerConfig defaults;
  EXPECT_EQ(documented.bind, defaults.bind);
  EXPECT_EQ(documented.port, defaults.port);
  EXPECT_EQ(documented.process_jobs, defaults.process_jobs);
  EXPECT_EQ(documented.max_body, defaults.max_body);
  EXPECT_EQ(documented.job_threads, defaults.job_threads);
  EXPECT_EQ(documented.io_threads, defaults.io_threads);
  EXPECT_EQ(documented.shutdown_timeout, defaults.shutdown_timeout);
  EXPECT_EQ(documented.log_level, defaults.log_level);
  EXPECT_EQ(documented.accept.ebworker, defaults.accept.ebworker);
  EXPECT_EQ(documented.accept.active_elastic_job, defaults.accept.active_elastic_job);
  EXPECT_EQ(documented.accept.active_job, defaults.accept.active_job);
}

TEST(WorkerConfig, AcceptedFormats) {
  const WorkerConfig plain = load_worker({});
  EXPECT_TRUE(plain.accept.ebworker);
  EXPECT_FALSE(plain.accept.active_elastic_job);
  EXPECT_FALSE(plain.accept.active_job);

  const WorkerConfig rails = load_worker({{"EBWORKER_ACCEPT", "active_elastic_job, active_job"},
                                          {"EBWORKER_UNSIGNED_JOBS", "Admin::SyncJob,ReportJob"}});
  EXPECT_FALSE(rails.accept.ebworker) << "only what is named";
  EXPECT_TRUE(rails.accept.active_elastic_job);
  EXPECT_TRUE(rails.accept.active_job);
  EXPECT_EQ(rails.accept.unsigned_jobs, (std::vector<std::string>{"Admin::SyncJob", "ReportJob"}));
  const WorkerConfig flags = load_worker({}, {"--unsigned-jobs", "A::B", "--accept=ebworker,active_job"});
  EXPECT_EQ(flags.accept.unsigned_jobs, (std::vector<std::string>{"A::B"}));

  EXPECT_NE(error_of({{"EBWORKER_ACCEPT", "sidekiq"}}).find("\"sidekiq\" is not a message format"), std::string::npos);
  EXPECT_NE(error_of({{"EBWORKER_ACCEPT", " , "}}).find("at least one message format"), std::string::npos);
  EXPECT_NE(error_of({{"EBWORKER_ACCEPT", "ebworker,active_job"}}).find("EBWORKER_UNSIGNED_JOBS names no job class"),
            std::string::npos)
      << "unsigned messages need an allow-list";
  EXPECT_NE(error_of({{"EBWORKER_UNSIGNED_JOBS", "ReportJob"}}).find("does not name active_job"), std::string::npos);
}

TEST(WorkerConfig, EnvironmentOverridesDefaults) {
  const WorkerConfig c = load_worker({
      {"PORT", "8080"},
      {"EBWORKER_BIND", "0.0.0.0"},
      {"EBWORKER_PROCESS_JOBS", "true"},
      {"EBWORKER_TRUSTED_SOURCES", "172.17.0.1, 10.0.0.0/8,fd00::/8"},
      {"EBWORKER_CRON_FILE", "/etc/app/cron.yaml"},
      {"EBWORKER_MAX_BODY", "262144"},
      {"EBWORKER_JOB_THREADS", "7"},
      {"EBWORKER_IO_THREADS", "4"},
      {"EBWORKER_SHUTDOWN_TIMEOUT", "0"},
      {"EBWORKER_LOG_LEVEL", "debug"},
      {"UNRELATED", "ignored"},
  });
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.bind, "0.0.0.0");
  EXPECT_TRUE(c.process_jobs);
  ASSERT_EQ(c.trusted_sources.size(), 3u);
  EXPECT_TRUE(trusts(c, "172.17.0.1"));
  EXPECT_TRUE(trusts(c, "10.9.9.9"));
  EXPECT_TRUE(trusts(c, "fd00::5"));
  EXPECT_FALSE(trusts(c, "172.17.0.2"));
  EXPECT_EQ(c.cron_file, "/etc/app/cron.yaml");
  EXPECT_TRUE(c.cron_file_required);
  EXPECT_EQ(c.max_body, 262144u);
  EXPECT_EQ(c.job_threads, 7u);
  EXPECT_EQ(c.io_threads, 4u);
  EXPECT_EQ(c.shutdown_timeout, std::chrono::seconds(0));
  EXPECT_EQ(c.log_level, "debug");
}

TEST(WorkerConfig, FlagsOverrideEnvironment) {
  const WorkerConfig c = load_worker({{"PORT", "8080"}, {"EBWORKER_JOB_THREADS", "7"}, {"EBWORKER_LOG_LEVEL", "debug"}},
                              {"--port", "9090", "--job-threads=3"});
  EXPECT_EQ(c.port, 9090);
  EXPECT_EQ(c.job_threads, 3u);
  EXPECT_EQ(c.log_level, "debug");  // not overridden
}

TEST(WorkerConfig, FlagFormsWithEqualsAndWithSpace) {
  EXPECT_EQ(load_worker({}, {"--port=8080"}).port, 8080);
  EXPECT_EQ(load_worker({}, {"--port", "8080"}).port, 8080);
  EXPECT_EQ(load_worker({}, {"--bind", "::1"}).bind, "::1");
  EXPECT_EQ(load_worker({}, {"--trusted-sources=172.17.0.1"}).trusted_sources.size(), 1u);
  EXPECT_EQ(load_worker({}, {"--cron-file=my.yaml"}).cron_file, "my.yaml");
  EXPECT_EQ(load_worker({}, {"--max-body", "1"}).max_body, 1u);
  EXPECT_EQ(load_worker({}, {"--io-threads", "64"}).io_threads, 64u);
  EXPECT_EQ(load_worker({}, {"--shutdown-timeout=86400"}).shutdown_timeout, std::chrono::seconds(86400));
  EXPECT_EQ(load_worker({}, {"--log-level", "off"}).log_level, "off");
  // The last of a repeated flag wins.
  EXPECT_EQ(load_worker({}, {"--port=1", "--port", "2"}).port, 2);
}

TEST(WorkerConfig, ProcessJobsFlagAloneMeansTrue) {
  EXPECT_TRUE(load_worker({}, {"--process-jobs"}).process_jobs);
  EXPECT_TRUE(load_worker({}, {"--process-jobs", "--port", "1"}).process_jobs);
  EXPECT_FALSE(load_worker({{"EBWORKER_PROCESS_JOBS", "true"}}, {"--process-jobs=false"}).process_jobs);
}

TEST(WorkerConfig, MetricsEmfSettings) {
  const auto defaults = load_worker({});
  EXPECT_FALSE(defaults.metrics_emf);
  EXPECT_EQ(defaults.metrics_emf_interval, std::chrono::seconds(60));
  EXPECT_EQ(defaults.metrics_namespace, "ebworker");
  EXPECT_TRUE(load_worker({}, {"--metrics-emf", "--port", "1"}).metrics_emf);  // the flag alone means true
  const auto set = load_worker({{"EBWORKER_METRICS_EMF", "true"}, {"EBWORKER_METRICS_EMF_INTERVAL", "3600"},
                         {"EBWORKER_METRICS_NAMESPACE", "MyApp/Jobs"}});
  EXPECT_TRUE(set.metrics_emf);
  EXPECT_EQ(set.metrics_emf_interval, std::chrono::seconds(3600));
  EXPECT_EQ(set.metrics_namespace, "MyApp/Jobs");
  EXPECT_EQ(error_of({{"EBWORKER_METRICS_EMF_INTERVAL", "0"}}),
            "EBWORKER_METRICS_EMF_INTERVAL: expected a whole number from 1 to 3600, got \"0\"");
  EXPECT_EQ(error_of({}, {"--metrics-emf-interval=3601"}),
            "--metrics-emf-interval: expected a whole number from 1 to 3600, got \"3601\"");
  EXPECT_EQ(error_of({{"EBWORKER_METRICS_NAMESPACE", ""}}), "EBWORKER_METRICS_NAMESPACE: must name a namespace");
}

TEST(WorkerConfig, ProcessJobsValues) {
  EXPECT_TRUE(load_worker({{"EBWORKER_PROCESS_JOBS", "true"}}).process_jobs);
  EXPECT_TRUE(load_worker({{"EBWORKER_PROCESS_JOBS", "TRUE"}}).process_jobs);
  EXPECT_TRUE(load_worker({{"EBWORKER_PROCESS_JOBS", "True"}}).process_jobs);
  EXPECT_FALSE(load_worker({{"EBWORKER_PROCESS_JOBS", "false"}}).process_jobs);
  EXPECT_FALSE(load_worker({{"EBWORKER_PROCESS_JOBS", "FALSE"}}).process_jobs);
  EXPECT_EQ(error_of({{"EBWORKER_PROCESS_JOBS", "yes"}}),
            "EBWORKER_PROCESS_JOBS: expected true or false, got \"yes\"");
  EXPECT_EQ(error_of({{"EBWORKER_PROCESS_JOBS", "1"}}),
            "EBWORKER_PROCESS_JOBS: expected true or false, got \"1\"");
  EXPECT_EQ(error_of({}, {"--process-jobs=on"}), "--process-jobs: expected true or false, got \"on\"");
}

TEST(WorkerConfig, BadEnvironmentValuesNameTheVariable) {
  EXPECT_EQ(error_of({{"PORT", "http"}}), "PORT: expected a whole number from 0 to 65535, got \"http\"");
  EXPECT_EQ(error_of({{"PORT", "65536"}}), "PORT: expected a whole number from 0 to 65535, got \"65536\"");
  EXPECT_EQ(error_of({{"PORT", "-1"}}), "PORT: expected a whole number from 0 to 65535, got \"-1\"");
  EXPECT_EQ(error_of({{"PORT", "80 "}}), "PORT: expected a whole number from 0 to 65535, got \"80 \"");
  EXPECT_EQ(error_of({{"PORT", ""}}), "PORT: expected a whole number from 0 to 65535, got \"\"");
  EXPECT_EQ(error_of({{"EBWORKER_BIND", "localhost"}}), "EBWORKER_BIND: \"localhost\" is not an IP address");
  EXPECT_EQ(error_of({{"EBWORKER_TRUSTED_SOURCES", "172.17.0.1,1.2.3.4/33"}}),
            "EBWORKER_TRUSTED_SOURCES: \"1.2.3.4/33\" has a bad prefix length");
  EXPECT_EQ(error_of({{"EBWORKER_CRON_FILE", ""}}), "EBWORKER_CRON_FILE: must name a file");
  EXPECT_EQ(error_of({{"EBWORKER_MAX_BODY", "0"}}),
            "EBWORKER_MAX_BODY: expected a whole number from 1 to 67108864, got \"0\"");
  EXPECT_EQ(error_of({{"EBWORKER_JOB_THREADS", "1001"}}),
            "EBWORKER_JOB_THREADS: expected a whole number from 1 to 1000, got \"1001\"");
  EXPECT_EQ(error_of({{"EBWORKER_IO_THREADS", "0"}}),
            "EBWORKER_IO_THREADS: expected a whole number from 1 to 64, got \"0\"");
  EXPECT_EQ(error_of({{"EBWORKER_SHUTDOWN_TIMEOUT", "1.5"}}),
            "EBWORKER_SHUTDOWN_TIMEOUT: expected a whole number from 0 to 86400, got \"1.5\"");
  EXPECT_EQ(error_of({{"EBWORKER_LOG_LEVEL", "verbose"}}), "EBWORKER_LOG_LEVEL: unknown level \"verbose\"");
}

TEST(WorkerConfig, BadFlagValuesNameTheFlag) {
  EXPECT_EQ(error_of({}, {"--port=http"}), "--port: expected a whole number from 0 to 65535, got \"http\"");
  EXPECT_EQ(error_of({}, {"--port", "99999"}), "--port: expected a whole number from 0 to 65535, got \"99999\"");
  EXPECT_EQ(error_of({}, {"--bind=nowhere"}), "--bind: \"nowhere\" is not an IP address");
  EXPECT_EQ(error_of({}, {"--job-threads", "0"}), "--job-threads: expected a whole number from 1 to 1000, got \"0\"");
  // A good environment does not excuse a bad flag, and a bad environment fails before flags.
  EXPECT_EQ(error_of({{"PORT", "8080"}}, {"--port=x"}), "--port: expected a whole number from 0 to 65535, got \"x\"");
  EXPECT_EQ(error_of({{"PORT", "x"}}, {"--port=8080"}), "PORT: expected a whole number from 0 to 65535, got \"x\"");
}

TEST(WorkerConfig, FlagWithoutValue) {
  EXPECT_EQ(error_of({}, {"--port"}), "--port needs a value");
  EXPECT_EQ(error_of({}, {"--process-jobs", "--log-level"}), "--log-level needs a value");
}

TEST(WorkerConfig, UnknownOptionsAreRefused) {
  EXPECT_EQ(error_of({}, {"--nope"}), "unknown option --nope (see --help)");
  EXPECT_EQ(error_of({}, {"--nope=1"}), "unknown option --nope (see --help)");
  EXPECT_EQ(error_of({}, {"stray"}), "unknown option stray (see --help)");
  EXPECT_EQ(error_of({}, {"--PORT=1"}), "unknown option --PORT (see --help)");
  EXPECT_EQ(error_of({}, {"-p", "1"}), "unknown option -p (see --help)");
}

TEST(WorkerConfig, HelpListsEverySetting) {
  const std::string help = worker_settings_help();
  for (const auto& s : worker_settings()) {
    EXPECT_NE(help.find(std::string(s.env)), std::string::npos) << s.env;
    if (!s.flag.empty()) {
      EXPECT_NE(help.find(std::string(s.flag)), std::string::npos) << s.flag;
    }
  }
  EXPECT_NE(help.find("SECRET_KEY_BASE"), std::string::npos);
  EXPECT_NE(help.find("SECRET_KEY_BASE_PREVIOUS"), std::string::npos);
}

TEST(WorkerConfig, ProcessEnvironmentSeesSetenv) {
  ::setenv("EBWORKER_UNIT_TEST_PROBE", "a=b", 1);
  const Environment env = process_environment();
  ::unsetenv("EBWORKER_UNIT_TEST_PROBE");
  const auto it = env.find("EBWORKER_UNIT_TEST_PROBE");
  ASSERT_NE(it, env.end());
  EXPECT_EQ(it->second, "a=b");
  EXPECT_EQ(process_environment().count("EBWORKER_UNIT_TEST_PROBE"), 0u);
}

}  // namespace
}  // namespace ebworker
