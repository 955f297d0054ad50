#include "cli/dev_command.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include <ebworker/client/client.h>

#include "cli/child_process.h"
#include "cli/dev_config.h"
#include "cli/dev_session.h"
#include "cli/fauxqs_launcher.h"
#include "cli/logging.h"
#include "cli/signals.h"
#include "cli/start_worker.h"
#include "core/environment_lookup.h"
#include "core/hex.h"
#include "envelope/uuid.h"
#include "sqsd/queue_setup.h"
#include "sqsd/sqsd_daemon.h"

namespace ebworker {

namespace {

constexpr const char* kDevUsage =
    "usage: ebworker dev [--port PORT] [--sqs-port PORT] [--queue NAME] [--once] [OPTIONS]\n"
    "  Runs the local stack: fauxqs (the local SQS) on 127.0.0.1:SQS_PORT (default 4566), the\n"
    "  queue NAME (default ebworker-jobs) and its dead-letter queue, the worker on 127.0.0.1:PORT\n"
    "  (default 5000) and the daemon between them; sends a demo EchoJob; Ctrl-C stops it all.\n"
    "  --once stops after the demo job, or in an app without EchoJob after the first job done\n"
    "  (exit 0 when it was done). Port 0 picks a free one.\n"
    "  It starts the fauxqs launcher installed with ebworker (share/ebworker/local-sqs/), else\n"
    "  ./scripts/fauxqs.mjs; EBWORKER_FAUXQS_LAUNCHER names another. Uses SECRET_KEY_BASE, or\n"
    "  makes one for the session. Another terminal sources the env file it names to enqueue.\n";

int dev_error(const std::string& message) {
  std::fprintf(stderr, "ebworker dev: %s\n", message.c_str());
  return 2;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  RAND_bytes(raw.data(), static_cast<int>(raw.size()));
  return to_hex(raw.data(), raw.size());
}

// Waits for the demo job's line in EchoJob's output file.
bool wait_for_echo(const std::string& path, const std::string& marker, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
      if (line.find(marker) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling a file: no event to wait on
  }
  return false;
}

// Waits until the worker answered a message 200 (true: done, its message deleted) or a stop
// signal arrives (false).
bool wait_for_a_job(const SqsdDaemon& daemon, const sigset_t& signals) {
  const timespec tick{0, 100'000'000};  // the counter has no event to wait on: look every 100 ms
  while (daemon.counters().succeeded == 0)
    if (::sigtimedwait(&signals, nullptr, &tick) > 0) return false;
  return true;
}

// The port in fauxqs's "fauxqs listening on http://127.0.0.1:PORT".
std::uint16_t port_in(const std::string& line) {
  const auto colon = line.rfind(':');
  unsigned port = 0;
  if (colon != std::string::npos) std::sscanf(line.c_str() + colon + 1, "%u", &port);
  return static_cast<std::uint16_t>(port);
}

}  // namespace

int dev_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options,
                Environment env) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::printf("%s\n%s", kDevUsage, settings_help(dev_settings()).c_str());
      return 0;
    }
  auto dev = load_settings(dev_settings(), env, args);
  if (!dev) return dev_error(dev.error().message + "\n" + kDevUsage);
  WorkerConfig worker_config;
  worker_config.process_jobs = true;
  worker_config.port = dev->port;
  const std::uint16_t sqs_port = dev->sqs_port;
  const std::string& queue_name = dev->queue;
  const bool once = dev->once;

  const sigset_t signals = block_stop_signals();
  setup_logging(dev->log_level, dev->log_format);

  auto session = DevSession::create();
  if (!session) return dev_error(session.error().message);
  std::string generated_secret;
  if (!lookup(env, "SECRET_KEY_BASE")) {
    generated_secret = random_hex(32);
    env["SECRET_KEY_BASE"] = generated_secret;
    auto saved = (*session)->write("secret", generated_secret);
    if (!saved) return dev_error(saved.error().message);
    spdlog::info("SECRET_KEY_BASE is not set: made one for this session, saved in {}", saved->string());
  }
  std::string echo_out = lookup_or(env, "ECHO_JOB_OUT");
  if (echo_out.empty()) {
    echo_out = ((*session)->dir() / "echo.jsonl").string();
    // EchoJob, a user's job, reads the process's environment.
    ::setenv("ECHO_JOB_OUT", echo_out.c_str(), 1);
  }

  // 1. The local SQS.
  const std::filesystem::path executable = current_executable();
  std::filesystem::path launcher = dev->fauxqs_launcher;
  if (launcher.empty()) {
    auto found = find_fauxqs_launcher(executable);
    if (!found) return dev_error(found.error().message);
    launcher = *found;
  } else if (!std::filesystem::exists(launcher)) {
    return dev_error(launcher.string() + " (EBWORKER_FAUXQS_LAUNCHER) not found");
  }
  if (const std::string missing = fauxqs_missing(launcher); !missing.empty()) return dev_error(missing);
  auto fauxqs = ChildProcess::start({"node", launcher.string(), std::to_string(sqs_port)}, "fauxqs: ");
  if (!fauxqs) return dev_error("cannot start fauxqs: " + fauxqs.error().message);
  const auto ready = (*fauxqs)->wait_for_line("listening on", std::chrono::seconds(30));
  if (!ready) return dev_error("fauxqs did not start (is port " + std::to_string(sqs_port) + " free?)");
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(sqs_port == 0 ? port_in(*ready) : sqs_port);

  // 2. The queues.
  auto sqs = std::make_shared<SqsClient>(SqsClientOptions{
      .credentials = static_credentials({"local", "local", "", std::nullopt}),
      .endpoint = {.endpoint = endpoint, .region = "us-east-1"}});
  auto queues = create_queues(*sqs, queue_name, 3);
  if (!queues) return dev_error(queues.error().message);

  // 3. The worker and the daemon.
  const auto jobs = std::make_shared<JobCounters>();
  auto worker = start_worker(worker_config, registry, std::move(options), env, jobs);
  if (!worker) return dev_error(worker.error().message);
  SqsdConfig sqsd_config;
  sqsd_config.queue_url = queues->queue_url;
  sqsd_config.worker_url = "http://127.0.0.1:" + std::to_string((*worker)->port());
  sqsd_config.max_retries = 3;
  sqsd_config.wait_time = 1;  // Ctrl-C within a second
  std::vector<CronTask> tasks;
  if (std::filesystem::exists("cron.yaml"))
    if (auto cron = CronFile::load("cron.yaml", registry)) tasks = cron->tasks();
  SqsdDaemon daemon(sqsd_config, sqs, std::move(tasks));
  if (auto started = daemon.start(); !started) return dev_error(started.error().message);

  spdlog::info("SQS endpoint {}  queue {}  dead-letter queue {}", endpoint, queues->queue_url,
               queues->dead_letter_queue_url);
  auto env_file = (*session)->write_environment(
      {.queue_url = queues->queue_url, .sqs_endpoint = endpoint, .region = "us-east-1",
       .secret_key_base = generated_secret});
  if (!env_file) return dev_error(env_file.error().message);
  const auto names = registry.names();
  const std::string example = registry.contains("EchoJob") ? "EchoJob '[\"hi\"]'"
                              : names.empty()               ? "JOB '[]'"
                                                            : names.front() + " '[]'";
  spdlog::info("enqueue from another terminal: source {}  then  {} enqueue {}", env_file->string(),
               executable.empty() ? "ebworker" : executable.string(), example);

  // 4. The demo job, through SQS, the daemon and the worker.
  bool demo_done = false;
  if (registry.contains("EchoJob")) {
    ClientConfig client_config;
    client_config.queue_url = queues->queue_url;
    client_config.secret = lookup_or(env, "SECRET_KEY_BASE");
    client_config.endpoint = {.endpoint = endpoint, .region = "us-east-1"};
    client_config.credentials = static_credentials({"local", "local", "", std::nullopt});
    auto client = Client::create(client_config, env);
    const std::string marker = "demo " + uuid_v4();
    auto sent = client ? client->enqueue("EchoJob", "[\"" + marker + "\"]")
                       : SqsResult<Enqueued>(Unexpected{invalid_request(client.error().message)});
    if (!sent) {
      spdlog::error("demo job not sent: {}", sent.error().describe());
    } else if (wait_for_echo(echo_out, marker, std::chrono::seconds(30))) {
      demo_done = true;
      spdlog::info("demo job {} (message {}) done: EchoJob wrote [\"{}\"] to {}", sent->job_id,
                   sent->message_id, marker, echo_out);
    } else {
      spdlog::error("demo job {} not done within 30 s", sent->job_id);
    }
  }

  if (once && !registry.contains("EchoJob")) {
    spdlog::info("--once: waiting for the first job to be done");
    demo_done = wait_for_a_job(daemon, signals);
  }
  if (once) {
    spdlog::info("--once: stopping the daemon, the worker and fauxqs");
  } else {
    spdlog::info("local stack running; Ctrl-C stops it");
    const int received = wait_for_stop_signal(signals);
    spdlog::info("{}: stopping the daemon, the worker and fauxqs", strsignal(received));
  }
  daemon.stop();
  (*worker)->stop_accepting();
  if (!(*worker)->drain(std::chrono::seconds(30))) {
    spdlog::warn("jobs still running after 30 s are cut off; their messages will be retried");
    spdlog::default_logger()->flush();
    (*session)->remove();
    std::_Exit(1);
  }
  (*worker)->stop();
  spdlog::info("job totals: {}", jobs->describe());
  return once && !demo_done ? 1 : 0;
}

}  // namespace ebworker
