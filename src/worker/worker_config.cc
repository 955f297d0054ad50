#include "worker/worker_config.h"

#include "core/log_settings.h"
#include "core/split.h"
#include "envelope/message_format.h"
#include "http/own_endpoints.h"
#include "sqs/sqs_endpoint.h"

namespace ebworker {

namespace {

template <typename N, typename Store>
auto number(N min, N max, Store store) {
  return number_setting<WorkerConfig>(min, max, store);
}

// One of the worker's own endpoints' paths.
auto endpoint_path(std::string OwnEndpointPaths::*field) {
  return [field](WorkerConfig& c, std::string_view v) -> Status {
    if (auto ok = check_own_endpoint_path(v); !ok) return ok;
    c.endpoints.*field = std::string(v);
    return {};
  };
}

}  // namespace

const std::vector<WorkerSetting>& worker_settings() {
  static const std::vector<WorkerSetting> settings = {
      {"PORT", "--port", "5000", "TCP port to listen on (the Beanstalk platforms' nginx proxies to 5000)",
       number<unsigned>(0, 65535, [](WorkerConfig& c, unsigned n) { c.port = static_cast<std::uint16_t>(n); })},
      {"EBWORKER_BIND", "--bind", "127.0.0.1",
       "address to listen on; a container sets 0.0.0.0 and trusts its bridge gateway",
       [](WorkerConfig& c, std::string_view v) -> Status {
         if (!parse_ip(v)) return fail("\"" + std::string(v) + "\" is not an IP address");
         c.bind = std::string(v);
         return {};
       }},
      {"EBWORKER_PROCESS_JOBS", "--process-jobs", "false",
       "true to run jobs; otherwise every request goes straight to the app (web tier)",
       bool_setting(&WorkerConfig::process_jobs), true},
      {"EBWORKER_ACCEPT", "--accept", "ebworker",
       "message formats to run, comma-separated: ebworker (signed HMAC-SHA256), active_elastic_job "
       "(Rails' active_elastic_job, signed HMAC-SHA1 with the same secret), active_job (unsigned, as "
       "aws-sdk-rails sends; only the classes in EBWORKER_UNSIGNED_JOBS); any other is refused 403",
       [](WorkerConfig& c, std::string_view v) -> Status {
         AcceptedFormats accept{.ebworker = false, .unsigned_jobs = std::move(c.accept.unsigned_jobs)};
         for (std::string_view item : split_list(v)) {
           auto format = parse_message_format(item);
           if (!format) return Unexpected{format.error()};
           if (*format == MessageFormat::ebworker) accept.ebworker = true;
           if (*format == MessageFormat::active_elastic_job) accept.active_elastic_job = true;
           if (*format == MessageFormat::active_job) accept.active_job = true;
         }
         if (!accept.ebworker && !accept.active_elastic_job && !accept.active_job)
           return fail("must name at least one message format");
         c.accept = std::move(accept);
         return {};
       }},
      {"EBWORKER_UNSIGNED_JOBS", "--unsigned-jobs", "(none)",
       "with active_job accepted, the job classes (as Rails names them, e.g. Admin::SyncJob) that "
       "may run from an unsigned message, comma-separated; every other unsigned message is refused 403",
       [](WorkerConfig& c, std::string_view v) -> Status {
         c.accept.unsigned_jobs.clear();
         for (std::string_view item : split_list(v)) c.accept.unsigned_jobs.emplace_back(item);
         return {};
       }},
      {"EBWORKER_TRUSTED_SOURCES", "--trusted-sources", "(none)",
       "extra peer addresses or CIDR ranges allowed besides loopback, comma-separated; the word "
       "gateway trusts this host's default gateway (one address, read from /proc/net/route at "
       "start-up and logged), which in a container is the Docker bridge nginx connects from",
       [](WorkerConfig& c, std::string_view v) -> Status {
         std::vector<IpRange> ranges;
         bool gateway = false;
         for (std::string_view item : split_list(v)) {
           if (item == "gateway") {
             gateway = true;
             continue;
           }
           auto range = IpRange::parse(item);
           if (!range) return Unexpected{range.error()};
           ranges.push_back(*range);
         }
         c.trusted_sources = std::move(ranges);
         c.trust_gateway = gateway;
         return {};
       }},
      {"EBWORKER_CRON_FILE", "--cron-file", "cron.yaml",
       "periodic task file; when not set and ./cron.yaml is absent there are no periodic tasks",
       [](WorkerConfig& c, std::string_view v) -> Status {
         if (v.empty()) return fail("must name a file");
         c.cron_file = std::string(v);
         c.cron_file_required = true;
         return {};
       }},
      {"EBWORKER_DEAD_LETTER_QUEUE_URL", "--dead-letter-queue-url", "(none)",
       "where a job class's retry policy sends a message once its attempts are spent",
       [](WorkerConfig& c, std::string_view v) -> Status {
         if (!v.empty())
           if (auto q = QueueUrl::parse(v); !q) return Unexpected{q.error()};
         c.dead_letter_queue_url = std::string(v);
         return {};
       }},
      {"EBWORKER_MAX_BODY", "--max-body", "1048576", "largest request body in bytes; larger gets 413",
       number<std::size_t>(1, 64 * 1024 * 1024, [](WorkerConfig& c, std::size_t n) { c.max_body = n; })},
      {"EBWORKER_MAX_CONNECTIONS", "--max-connections", "1000",
       "connections open at once (lowered to leave a quarter of RLIMIT_NOFILE free); at the cap a new "
       "one closes the longest idle one, or gets 503 and is closed when none is idle",
       number<std::size_t>(2, 1000000, [](WorkerConfig& c, std::size_t n) { c.max_connections = n; })},
      {"EBWORKER_JOB_THREADS", "--job-threads", "50",
       "jobs run at once (match the daemon's HttpConnections); one more gets 503",
       number<std::size_t>(1, 1000, [](WorkerConfig& c, std::size_t n) { c.job_threads = n; })},
      {"EBWORKER_IO_THREADS", "--io-threads", "2", "HTTP I/O threads (they never run jobs)",
       number<std::size_t>(1, 64, [](WorkerConfig& c, std::size_t n) { c.io_threads = n; })},
      {"EBWORKER_READ_TIMEOUT", "--read-timeout", "60",
       "seconds a request may take to arrive whole (line, headers, body); slower gets 408 and is closed",
       number<long>(1, 3600, [](WorkerConfig& c, long n) { c.read_timeout = std::chrono::seconds(n); })},
      {"EBWORKER_CONNECTION_TIMEOUT", "--connection-timeout", "43200",
       "seconds a connection stays open after a request arrived: bounds a job's run, then the "
       "keep-alive wait (keep it above the daemon's InactivityTimeout)",
       number<long>(1, kMaxVisibilitySeconds, [](WorkerConfig& c, long n) { c.connection_timeout = std::chrono::seconds(n); })},
      {"EBWORKER_SHUTDOWN_TIMEOUT", "--shutdown-timeout", "30",
       "seconds running jobs get to finish after SIGTERM; those cut off get no 200 and come back",
       number<long>(0, 86400, [](WorkerConfig& c, long n) { c.shutdown_timeout = std::chrono::seconds(n); })},
      {"EBWORKER_JOB_TIME_BUDGET", "--job-time-budget", "600",
       "seconds a continuable job runs before it hands the rest on at its next step boundary (with "
       "EBWORKER_QUEUE_URL); keep it well under the daemon's InactivityTimeout: the default is two "
       "thirds of the deploy kit's 900 s",
       number<long>(1, 36000, [](WorkerConfig& c, long n) { c.job_time_budget = std::chrono::seconds(n); })},
      {"EBWORKER_UNKNOWN_JOB_GRACE", "--unknown-job-grace", "1800",
       "seconds a message naming a job class this worker does not register is sent on (with "
       "EBWORKER_QUEUE_URL), from its first arrival, for a worker that has it (a rolling deploy); then "
       "dead-lettered with the reason; 0: answered 404 at once",
       number<long>(0, 1209600, [](WorkerConfig& c, long n) { c.unknown_job_grace = std::chrono::seconds(n); })},
      {"EBWORKER_METRICS_PATH", "--metrics-path", kDefaultMetricsPath,
       "GET: Prometheus metrics, to trusted sources only; empty for none",
       endpoint_path(&OwnEndpointPaths::metrics)},
      {"EBWORKER_HEALTH_PATH", "--health-path", kDefaultHealthPath,
       "GET: 200 JSON while running, 503 once stopping, to trusted sources only; empty for none",
       endpoint_path(&OwnEndpointPaths::health)},
      {"EBWORKER_STATUS_PATH", "--status-path", kDefaultStatusPath,
       "GET: the HTML status page, to trusted sources only; empty for none",
       endpoint_path(&OwnEndpointPaths::status)},
      {"EBWORKER_METRICS_EMF", "--metrics-emf", "false",
       "true to print CloudWatch embedded metric format records of the job counters to stdout, "
       "for the CloudWatch agent or Beanstalk's log streaming (no Prometheus needed)",
       bool_setting(&WorkerConfig::metrics_emf), true},
      {"EBWORKER_METRICS_EMF_INTERVAL", "--metrics-emf-interval", "60",
       "seconds between EMF records (each holds what changed since the last one, per job class)",
       number<long>(1, 3600, [](WorkerConfig& c, long n) { c.metrics_emf_interval = std::chrono::seconds(n); })},
      {"EBWORKER_METRICS_NAMESPACE", "--metrics-namespace", "ebworker", "the CloudWatch namespace of the EMF records",
       named_setting(&WorkerConfig::metrics_namespace, "a namespace")},
      log_level_setting<WorkerConfig>("EBWORKER_LOG_LEVEL"),
      log_format_setting<WorkerConfig>("EBWORKER_LOG_FORMAT"),
  };
  return settings;
}

Result<WorkerConfig> load_worker_config(const Environment& env, const std::vector<std::string>& args,
                                        const std::string& route_table) {
  auto config = load_settings(worker_settings(), env, args);
  if (!config) return config;
  if (const auto twice = config->endpoints.named_twice())
    return fail("EBWORKER_METRICS_PATH, EBWORKER_HEALTH_PATH and EBWORKER_STATUS_PATH must differ: " + *twice +
                " is named twice");
  if (config->accept.active_job && config->accept.unsigned_jobs.empty())
    return fail("EBWORKER_ACCEPT names active_job (unsigned messages), but EBWORKER_UNSIGNED_JOBS names no job class "
                "that may run unsigned");
  if (!config->accept.active_job && !config->accept.unsigned_jobs.empty())
    return fail("EBWORKER_UNSIGNED_JOBS is set, but EBWORKER_ACCEPT does not name active_job");
  if (!config->trust_gateway) return config;
  auto gateway = read_default_gateway(route_table);
  if (!gateway) return fail("EBWORKER_TRUSTED_SOURCES (--trusted-sources) names gateway, but " + gateway.error().message);
  auto range = IpRange::parse(*gateway);  // a bare IPv4 address: exactly one, a /32
  if (!range) return Unexpected{range.error()};
  config->trusted_sources.push_back(*range);
  config->trusted_gateway = *gateway;
  return config;
}

std::string worker_settings_help() {
  return settings_help(worker_settings()) +
         "Secrets come from the environment only: SECRET_KEY_BASE (at least 32 bytes) and\n"
         "SECRET_KEY_BASE_PREVIOUS (comma-separated keys still accepted during rotation).\n";
}

}  // namespace ebworker
