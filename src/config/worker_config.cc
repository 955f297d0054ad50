#include "config/worker_config.h"

#include <cctype>
#include <charconv>

extern char** environ;

namespace ebworker {

namespace {

template <typename N>
Result<N> parse_number(std::string_view value, N min, N max) {
  N n{};
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < min || n > max)
    return fail("expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                ", got \"" + std::string(value) + "\"");
  return n;
}

Result<bool> parse_bool(std::string_view value) {
  std::string lower(value);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true") return true;
  if (lower == "false" || lower.empty()) return false;
  return fail("expected true or false, got \"" + std::string(value) + "\"");
}

template <typename N, typename Store>
auto number(N min, N max, Store store) {
  return [=](WorkerConfig& c, std::string_view v) -> Status {
    auto n = parse_number<N>(v, min, max);
    if (!n) return Unexpected{n.error()};
    store(c, *n);
    return {};
  };
}

}  // namespace

const std::vector<Setting>& worker_settings() {
  static const std::vector<Setting> settings = {
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
       [](WorkerConfig& c, std::string_view v) -> Status {
         auto b = parse_bool(v);
         if (!b) return Unexpected{b.error()};
         c.process_jobs = *b;
         return {};
       }},
      {"EBWORKER_TRUSTED_SOURCES", "--trusted-sources", "(none)",
       "extra peer addresses or CIDR ranges allowed besides loopback, comma-separated "
       "(e.g. the Docker bridge gateway 172.17.0.1)",
       [](WorkerConfig& c, std::string_view v) -> Status {
         auto ranges = IpRange::parse_list(v);
         if (!ranges) return Unexpected{ranges.error()};
         c.trusted_sources = std::move(ranges).value();
         return {};
       }},
      {"EBWORKER_PERIODIC_PATH", "--periodic-path", "/periodic_tasks",
       "path where periodic tasks from cron.yaml arrive",
       [](WorkerConfig& c, std::string_view v) -> Status {
         if (v.empty() || v[0] != '/') return fail("must start with /");
         c.periodic_path = std::string(v);
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
      {"EBWORKER_MAX_BODY", "--max-body", "1048576", "largest request body in bytes; larger gets 413",
       number<std::size_t>(1, 64 * 1024 * 1024, [](WorkerConfig& c, std::size_t n) { c.max_body = n; })},
      {"EBWORKER_JOB_THREADS", "--job-threads", "50",
       "jobs run at once (match the daemon's HttpConnections); one more gets 503",
       number<std::size_t>(1, 1000, [](WorkerConfig& c, std::size_t n) { c.job_threads = n; })},
      {"EBWORKER_IO_THREADS", "--io-threads", "2", "HTTP I/O threads (they never run jobs)",
       number<std::size_t>(1, 64, [](WorkerConfig& c, std::size_t n) { c.io_threads = n; })},
      {"EBWORKER_SHUTDOWN_TIMEOUT", "--shutdown-timeout", "30",
       "seconds running jobs get to finish after SIGTERM; those cut off get no 200 and come back",
       number<long>(0, 86400, [](WorkerConfig& c, long n) { c.shutdown_timeout = std::chrono::seconds(n); })},
      {"EBWORKER_LOG_LEVEL", "--log-level", "info", "trace, debug, info, warn, error, critical or off",
       [](WorkerConfig& c, std::string_view v) -> Status {
         static const std::vector<std::string_view> levels = {"trace", "debug", "info", "warn",
                                                              "error", "critical", "off"};
         for (auto l : levels)
           if (l == v) {
             c.log_level = std::string(v);
             return {};
           }
         return fail("unknown level \"" + std::string(v) + "\"");
       }},
  };
  return settings;
}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

Result<WorkerConfig> load_worker_config(const Environment& env, const std::vector<std::string>& args) {
  WorkerConfig config;
  const auto& settings = worker_settings();
  for (const auto& s : settings) {
    const auto it = env.find(s.env);
    if (it == env.end()) continue;
    if (auto st = s.apply(config, it->second); !st)
      return fail(std::string(s.env) + ": " + st.error().message);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view value;
    const auto eq = arg.find('=');
    const std::string_view name = arg.substr(0, eq);
    const Setting* setting = nullptr;
    for (const auto& s : settings)
      if (!s.flag.empty() && s.flag == name) setting = &s;
    if (!setting) return fail("unknown option " + std::string(name) + " (see --help)");
    if (eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
    } else if (setting->flag == "--process-jobs") {
      value = "true";
    } else {
      if (i + 1 >= args.size()) return fail(std::string(name) + " needs a value");
      value = args[++i];
    }
    if (auto st = setting->apply(config, value); !st)
      return fail(std::string(name) + ": " + st.error().message);
  }
  return config;
}

std::string worker_settings_help() {
  std::string out = "Options (each also an environment variable):\n";
  for (const auto& s : worker_settings()) {
    std::string left = "  " + std::string(s.flag.empty() ? "" : s.flag) + "  [" + std::string(s.env) + "]";
    out += left + "\n      " + std::string(s.meaning) + " (default " + std::string(s.fallback) + ")\n";
  }
  out += "Secrets come from the environment only: SECRET_KEY_BASE (at least 32 bytes) and\n"
         "SECRET_KEY_BASE_PREVIOUS (comma-separated keys still accepted during rotation).\n";
  return out;
}

}  // namespace ebworker
