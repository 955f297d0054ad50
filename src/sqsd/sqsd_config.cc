#include "sqsd/sqsd_config.h"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>

#include "core/limits.h"
#include "core/log_settings.h"

namespace ebworker {

namespace {

template <typename Store>
auto seconds(int min, int max, Store store) {
  return number_setting<SqsdConfig>(min, max, store);
}

auto text(std::string SqsdConfig::*field, bool must_start_with_slash = false) {
  return [=](SqsdConfig& c, std::string_view v) -> Status {
    if (v.empty()) return fail("must not be empty");
    if (must_start_with_slash && v[0] != '/') return fail("must start with /");
    c.*field = std::string(v);
    return {};
  };
}

auto url(std::string SqsdConfig::*field) {
  return [=](SqsdConfig& c, std::string_view v) -> Status {
    if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
      return fail("\"" + std::string(v) + "\" is not an http(s) URL");
    c.*field = std::string(v);
    return {};
  };
}

constexpr std::string_view kDynamoLeader = "dynamodb:";

// DynamoDB's rule for table names: 3-255 of a-z, A-Z, 0-9, '_', '-', '.'.
Status check_table_name(std::string_view name) {
  const bool allowed = std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
  });
  if (name.size() < 3 || name.size() > 255 || !allowed)
    return fail("\"" + std::string(name) + "\" is not a DynamoDB table name (3-255 of a-z A-Z 0-9 _ - .)");
  return {};
}

// "--leader dynamodb:T" and "--leader false" as "--leader=…": --leader is a switch, which
// would otherwise take the next word for an option of its own.
std::vector<std::string> joined_leader_values(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--leader" && i + 1 < args.size() &&
        (args[i + 1].rfind(kDynamoLeader, 0) == 0 || parse_bool(args[i + 1]))) {
      out.push_back("--leader=" + args[++i]);
      continue;
    }
    out.push_back(args[i]);
  }
  return out;
}

}  // namespace

const std::vector<SqsdSetting>& sqsd_settings() {
  static const std::vector<SqsdSetting> settings = {
      {"EBWORKER_SQSD_QUEUE_URL", "--queue-url", "(required)", "the worker queue's URL (WorkerQueueURL)",
       url(&SqsdConfig::queue_url)},
      {"EBWORKER_SQSD_WORKER_URL", "--worker-url", "http://127.0.0.1:5000", "where the worker listens",
       [](SqsdConfig& c, std::string_view v) -> Status {
         if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
           return fail("\"" + std::string(v) + "\" is not an http(s) URL");
         std::string u(v);
         while (!u.empty() && u.back() == '/') u.pop_back();
         c.worker_url = u;
         return {};
       }},
      {"EBWORKER_SQSD_HTTP_PATH", "--http-path", "/", "path messages are posted to (HttpPath)",
       text(&SqsdConfig::http_path, true)},
      {"EBWORKER_SQSD_MIME_TYPE", "--mime-type", "application/json", "Content-Type of the posts (MimeType)",
       text(&SqsdConfig::mime_type)},
      {"EBWORKER_SQSD_HTTP_CONNECTIONS", "--http-connections", "50", "posts in flight at once, 1-100 (HttpConnections)",
       seconds(1, 100, [](SqsdConfig& c, int n) { c.http_connections = n; })},
      {"EBWORKER_SQSD_CONNECT_TIMEOUT", "--connect-timeout", "5", "seconds to connect to the worker, 1-60",
       seconds(1, 60, [](SqsdConfig& c, int n) { c.connect_timeout = n; })},
      {"EBWORKER_SQSD_INACTIVITY_TIMEOUT", "--inactivity-timeout", "299",
       "seconds a post may take before it counts as failed, 1-36000",
       seconds(1, 36000, [](SqsdConfig& c, int n) { c.inactivity_timeout = n; })},
      {"EBWORKER_SQSD_VISIBILITY_TIMEOUT", "--visibility-timeout", "300",
       "seconds a received message stays hidden from other receivers, 0-43200",
       seconds(0, kMaxVisibilitySeconds, [](SqsdConfig& c, int n) { c.visibility_timeout = n; })},
      {"EBWORKER_SQSD_NO_HEARTBEAT", "--no-heartbeat", "false",
       "true: never extend a running message's visibility, as Beanstalk's aws-sqsd does not (a message "
       "still running when its visibility ends is received again)",
       bool_setting(&SqsdConfig::no_heartbeat), true},
      {"EBWORKER_SQSD_ERROR_VISIBILITY_TIMEOUT", "--error-visibility-timeout", "2",
       "seconds before a failed message is retried, 0-43200",
       seconds(0, kMaxVisibilitySeconds, [](SqsdConfig& c, int n) { c.error_visibility_timeout = n; })},
      {"EBWORKER_SQSD_RETENTION_PERIOD", "--retention-period", "345600",
       "seconds after its first receive a message is deleted without being posted, 60-1209600",
       seconds(60, 1209600, [](SqsdConfig& c, int n) { c.retention_period = n; })},
      {"EBWORKER_SQSD_MAX_RETRIES", "--max-retries", "10",
       "receives before the dead-letter queue, 1-100 (the redrive policy --create-queues sets)",
       seconds(1, 100, [](SqsdConfig& c, int n) { c.max_retries = n; })},
      {"EBWORKER_SQSD_CRON_FILE", "--cron-file", "cron.yaml",
       "periodic tasks; if not set and ./cron.yaml is absent there are none",
       [](SqsdConfig& c, std::string_view v) -> Status {
         if (v.empty()) return fail("must name a file");
         c.cron_file = std::string(v);
         c.cron_file_required = true;
         return {};
       }},
      {"EBWORKER_SQSD_LEADER", "--leader", "true",
       "true: this daemon sends the periodic tasks' messages (run one leader per queue); "
       "dynamodb:TABLE: the daemons on the queue elect the one that does through that table",
       [](SqsdConfig& c, std::string_view v) -> Status {
         if (v.rfind(kDynamoLeader, 0) == 0) {
           const std::string_view table = v.substr(kDynamoLeader.size());
           if (auto ok = check_table_name(table); !ok) return ok;
           c.leader = true;
           c.leader_table = std::string(table);
           return {};
         }
         auto b = parse_bool(v);
         if (!b) return fail(b.error().message + ", or dynamodb:TABLE");
         c.leader = *b;
         c.leader_table.clear();
         return {};
       },
       true},
      {"EBWORKER_SQSD_CREATE_LEADER_TABLE", "--create-leader-table", "false",
       "with --leader dynamodb:TABLE, create the table (partition key pk) if missing",
       bool_setting(&SqsdConfig::create_leader_table), true},
      {"EBWORKER_SQSD_LEADER_LEASE", "--leader-lease", "30",
       "seconds an elected leader's lease lasts, 3-600; renewed every third of it",
       seconds(3, 600, [](SqsdConfig& c, int n) { c.leader_lease = n; })},
      {"EBWORKER_SQSD_CREATE_QUEUES", "--create-queues", "false",
       "create the queue and a dead-letter queue (maxReceiveCount = max retries) if missing; for local use",
       bool_setting(&SqsdConfig::create_queues), true},
      {"EBWORKER_SQSD_WAIT_TIME", "--wait-time", "20", "long-poll seconds per receive, 0-20",
       seconds(0, kMaxWaitSeconds, [](SqsdConfig& c, int n) { c.wait_time = n; })},
      {"EBWORKER_SQSD_RECEIVES", "--receives", "3",
       "ReceiveMessage calls in flight at most, 1-10 (never asking for more messages than free POST slots)",
       seconds(1, 10, [](SqsdConfig& c, int n) { c.receives = n; })},
      {"EBWORKER_SQSD_HEALTH_PORT", "--health-port", "0",
       "port of GET /health and GET /metrics (Prometheus), 0-65535; 0: none",
       seconds(0, 65535, [](SqsdConfig& c, int n) { c.health_port = n; })},
      {"EBWORKER_SQSD_HEALTH_BIND", "--health-bind", "127.0.0.1", "address the health port listens on (IPv4)",
       [](SqsdConfig& c, std::string_view v) -> Status {
         in_addr parsed{};
         if (::inet_pton(AF_INET, std::string(v).c_str(), &parsed) != 1)
           return fail("\"" + std::string(v) + "\" is not an IPv4 address");
         c.health_bind = std::string(v);
         return {};
       }},
      log_level_setting<SqsdConfig>("EBWORKER_SQSD_LOG_LEVEL"),
      log_format_setting<SqsdConfig>("EBWORKER_SQSD_LOG_FORMAT"),
  };
  return settings;
}

const std::vector<SqsdSetting>& in_process_sqsd_settings() {
  static const std::vector<SqsdSetting> settings = [] {
    // Not here: the worker's URL, connections and timeouts of the POST (there is none), the cron
    // file, the health port and the log settings (the worker's own serve those).
    constexpr std::string_view kTaken[] = {
        "EBWORKER_SQSD_QUEUE_URL",         "EBWORKER_SQSD_HTTP_PATH",
        "EBWORKER_SQSD_MIME_TYPE",         "EBWORKER_SQSD_VISIBILITY_TIMEOUT",
        "EBWORKER_SQSD_NO_HEARTBEAT",      "EBWORKER_SQSD_ERROR_VISIBILITY_TIMEOUT",
        "EBWORKER_SQSD_RETENTION_PERIOD",  "EBWORKER_SQSD_MAX_RETRIES",
        "EBWORKER_SQSD_LEADER",            "EBWORKER_SQSD_CREATE_LEADER_TABLE",
        "EBWORKER_SQSD_LEADER_LEASE",      "EBWORKER_SQSD_CREATE_QUEUES",
        "EBWORKER_SQSD_WAIT_TIME",         "EBWORKER_SQSD_RECEIVES"};
    std::vector<SqsdSetting> taken;
    for (const auto& s : sqsd_settings())
      if (std::find(std::begin(kTaken), std::end(kTaken), s.env) != std::end(kTaken)) taken.push_back(s);
    // Optional here: without it the worker polls nothing, and waits for a daemon's POSTs.
    taken.front().fallback = "(none)";
    taken.front().meaning = "the queue the worker polls itself; unset, it polls nothing and runs what a daemon posts";
    return taken;
  }();
  return settings;
}

InProcessOptions split_in_process_options(const std::vector<std::string>& args) {
  InProcessOptions out;
  const std::vector<std::string> joined = joined_leader_values(args);
  for (size_t i = 0; i < joined.size(); ++i) {
    const std::string& arg = joined[i];
    const std::string_view name = std::string_view(arg).substr(0, arg.find('='));
    const auto& settings = in_process_sqsd_settings();
    const auto setting = std::find_if(settings.begin(), settings.end(), [&](const SqsdSetting& s) { return s.flag == name; });
    if (setting == settings.end()) {
      out.rest.push_back(arg);
      continue;
    }
    out.poller.push_back(arg);
    if (arg.find('=') == std::string::npos && !setting->is_switch && i + 1 < joined.size()) out.poller.push_back(joined[++i]);
  }
  return out;
}

Result<SqsdConfig> load_in_process_sqsd_config(const Environment& env, const std::vector<std::string>& poller_args) {
  return load_settings(in_process_sqsd_settings(), env, poller_args);
}

Result<SqsdConfig> load_sqsd_config(const Environment& env, const std::vector<std::string>& args) {
  auto config = load_settings(sqsd_settings(), env, joined_leader_values(args));
  if (config && config->queue_url.empty())
    return fail("EBWORKER_SQSD_QUEUE_URL (--queue-url) is required");
  return config;
}

}  // namespace ebworker
