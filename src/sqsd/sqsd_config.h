#pragma once
// Configuration of `ebworker sqsd`, named after the aws:elasticbeanstalk:sqsd options
// (docs/wire-protocol.md, "The answer"), with the same defaults and ranges. Each is a flag and an
// environment variable EBWORKER_SQSD_<NAME> (--queue-url → EBWORKER_SQSD_QUEUE_URL).

#include <string>
#include <vector>

#include "core/settings.h"
#include "core/log_event.h"

namespace ebworker {

struct SqsdConfig {
  std::string queue_url;  // required
  std::string worker_url = "http://127.0.0.1:5000";
  std::string http_path = "/";
  std::string mime_type = "application/json";
  int http_connections = 50;
  int connect_timeout = 5;           // seconds
  int inactivity_timeout = 299;      // seconds a POST may take
  int visibility_timeout = 300;      // seconds a received message stays hidden
  // No visibility heartbeat: a running message's visibility is never extended, as with
  // Beanstalk's aws-sqsd (for testing how jobs fare behind it).
  bool no_heartbeat = false;
  int error_visibility_timeout = 2;  // seconds before a failed message is visible again
  int retention_period = 345600;     // seconds; older messages are deleted unposted
  int max_retries = 10;              // receives before the dead-letter queue (--create-queues)
  std::string cron_file = "cron.yaml";
  bool cron_file_required = false;
  bool leader = true;  // sends the periodic tasks' messages (with leader_table: when elected)
  std::string leader_table{};  // --leader dynamodb:TABLE: the leader is elected through this table
  bool create_leader_table = false;
  int leader_lease = 30;  // seconds
  bool create_queues = false;
  int wait_time = 20;  // long-poll seconds (aws-sqsd: 20)
  int receives = 3;    // ReceiveMessage calls in flight at most
  int health_port = 0;  // 0: no health and metrics listener
  std::string health_bind = "127.0.0.1";
  std::string log_level = "info";
  LogFormat log_format = LogFormat::text;
};

using SqsdSetting = Setting<SqsdConfig>;

const std::vector<SqsdSetting>& sqsd_settings();

// Defaults, environment, flags; the queue URL is required.
Result<SqsdConfig> load_sqsd_config(const Environment& env, const std::vector<std::string>& args);

// The settings with which `ebworker serve` polls a queue itself (--queue-url): those of
// `ebworker sqsd` that mean something with no HTTP between daemon and worker, under the same
// names. The worker's own settings give the rest: its job threads bound the messages in flight,
// its cron file names the tasks, its port serves health and metrics, its log settings the log.
const std::vector<SqsdSetting>& in_process_sqsd_settings();

// serve's words split in two: the poller's options (each flag with its value), and the rest.
struct InProcessOptions {
  std::vector<std::string> poller;
  std::vector<std::string> rest;
};
InProcessOptions split_in_process_options(const std::vector<std::string>& args);

// Defaults, environment, flags (`poller` of split_in_process_options); queue_url stays empty
// when neither --queue-url nor EBWORKER_SQSD_QUEUE_URL gives it: then serve polls nothing.
Result<SqsdConfig> load_in_process_sqsd_config(const Environment& env, const std::vector<std::string>& poller_args);

}  // namespace ebworker
