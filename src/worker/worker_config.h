#pragma once
// The worker's configuration. Every setting has one environment variable (what the platform
// sets, through .ebextensions) and, for most, a flag of `ebworker serve` that overrides it.
// A bad value stops start-up with a message naming the variable or flag.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <ebworker/environment.h>
#include <ebworker/result.h>
#include <ebworker/worker/middleware/verify_signature.h>

#include "core/limits.h"
#include "core/settings.h"
#include "core/log_event.h"
#include "http/default_gateway.h"
#include "http/ip_range.h"
#include "http/own_endpoints.h"

namespace ebworker {

struct WorkerConfig {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 5000;
  bool process_jobs = false;
  // The message formats run (EBWORKER_ACCEPT, EBWORKER_UNSIGNED_JOBS; docs/rails.md).
  AcceptedFormats accept{};
  std::vector<IpRange> trusted_sources;
  // EBWORKER_TRUSTED_SOURCES named "gateway": the default route's gateway is trusted too (a /32),
  // read from the routing table by load_worker_config, which records the address here.
  bool trust_gateway = false;
  std::string trusted_gateway;
  std::string cron_file = "cron.yaml";
  bool cron_file_required = false;  // true when named explicitly: then it must exist
  std::size_t max_body = kSqsMaxMessageBytes;
  std::size_t max_connections = 1000;
  std::size_t job_threads = 50;
  std::size_t io_threads = 2;
  std::chrono::seconds read_timeout{60};
  std::chrono::seconds connection_timeout = kSqsMaxVisibility;
  std::chrono::seconds shutdown_timeout{30};
  // How long a continuable job's run goes before it hands the rest on (job_steps.h): two thirds
  // of the InactivityTimeout the deploy kit sets (900 s), so it answers before the daemon gives up.
  std::chrono::seconds job_time_budget{600};
  // How long a message of a job class this worker does not register is sent on (a rolling
  // deploy), from its first arrival, before it is dead-lettered; 0: answered 404 at once.
  std::chrono::seconds unknown_job_grace{1800};
  std::string log_level = "info";
  LogFormat log_format = LogFormat::text;
  // Where a retry policy sends a message whose attempts are spent (with EBWORKER_QUEUE_URL set).
  std::string dead_letter_queue_url;
  // The worker's own endpoints (middleware/worker_endpoints.h).
  OwnEndpointPaths endpoints{};
  // CloudWatch embedded metric format records of the job counters on stdout (worker/emf_reporter.h).
  bool metrics_emf = false;
  std::chrono::seconds metrics_emf_interval{60};
  std::string metrics_namespace = "ebworker";
};

using WorkerSetting = Setting<WorkerConfig>;

const std::vector<WorkerSetting>& worker_settings();

// Defaults, then the environment, then flags ("--port 8080" or "--port=8080"). With
// "gateway" among the trusted sources, the default gateway is read from `route_table`
// (the kernel's /proc/net/route; tests pass a file of their own).
Result<WorkerConfig> load_worker_config(const Environment& env, const std::vector<std::string>& args,
                                        const std::string& route_table = std::string(kRouteTablePath));

std::string worker_settings_help();

}  // namespace ebworker
