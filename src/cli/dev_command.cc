#include "cli/dev_command.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <ebworker/client.h>

#include "cli/child_process.h"
#include "cli/logging.h"
#include "cli/signals.h"
#include "cli/worker.h"
#include "core/hex.h"
#include "envelope/uuid.h"
#include "sqsd/queue_setup.h"
#include "sqsd/sqsd_daemon.h"

namespace ebworker {

namespace {

constexpr const char* kUsage =
    "usage: ebworker dev [--port PORT] [--sqs-port PORT] [--queue NAME] [--once]\n"
    "  Runs the local stack: fauxqs (the local SQS) on 127.0.0.1:SQS_PORT (default 4566), the\n"
    "  queue NAME (default ebworker-jobs) and its dead-letter queue, the worker on 127.0.0.1:PORT\n"
    "  (default 5000) and the daemon between them; sends a demo EchoJob; Ctrl-C stops it all.\n"
    "  --once stops after the demo job (exit 0 when it was done).\n"
    "  Run it from the project root (it starts scripts/fauxqs.mjs; EBWORKER_FAUXQS_LAUNCHER\n"
    "  names another path). Uses SECRET_KEY_BASE, or makes one for the session.\n";

int dev_error(const std::string& message) {
  std::fprintf(stderr, "ebworker dev: %s\n", message.c_str());
  return 2;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  RAND_bytes(raw.data(), static_cast<int>(raw.size()));
  return to_hex(raw.data(), raw.size());
}

// A file only this user can read: the session's generated secret, for other terminals.
std::string save_secret(const std::string& secret) {
  const auto dir = std::filesystem::temp_directory_path() / ("ebworker-dev-" + uuid_v4().substr(0, 8));
  std::filesystem::create_directory(dir);
  ::chmod(dir.c_str(), 0700);
  const auto path = dir / "secret";
  std::ofstream(path) << secret;
  ::chmod(path.c_str(), 0600);
  return path.string();
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

}  // namespace

int dev_command(const std::vector<std::string>& args, const JobRegistry& registry, AppOptions options) {
  Environment env = process_environment();
  WorkerConfig worker_config;
  worker_config.process_jobs = true;
  std::uint16_t sqs_port = 4566;
  std::string queue_name = "ebworker-jobs";
  bool once = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (args[i] == "--once") {
      once = true;
      continue;
    }
    if (i + 1 >= args.size()) return dev_error("unknown option or missing value: " + args[i] + "\n" + kUsage);
    const std::string& value = args[++i];
    if (args[i - 1] == "--port" || args[i - 1] == "--sqs-port") {
      auto port = parse_number<unsigned>(value, 1, 65535);
      if (!port) return dev_error(args[i - 1] + ": " + port.error().message);
      (args[i - 1] == "--port" ? worker_config.port : sqs_port) = static_cast<std::uint16_t>(*port);
    } else if (args[i - 1] == "--queue") {
      queue_name = value;
    } else {
      return dev_error("unknown option " + args[i - 1] + "\n" + kUsage);
    }
  }

  const sigset_t signals = block_stop_signals();
  setup_logging(env.count("EBWORKER_LOG_LEVEL") ? env["EBWORKER_LOG_LEVEL"] : "info");

  if (!env.count("SECRET_KEY_BASE")) {
    const std::string secret = random_hex(32);
    ::setenv("SECRET_KEY_BASE", secret.c_str(), 1);
    env["SECRET_KEY_BASE"] = secret;
    spdlog::info("SECRET_KEY_BASE is not set: made one for this session, saved in {}", save_secret(secret));
  }
  std::string echo_out = env.count("ECHO_JOB_OUT") ? env["ECHO_JOB_OUT"] : "";
  if (echo_out.empty()) {
    echo_out = (std::filesystem::temp_directory_path() / ("ebworker-dev-echo-" + uuid_v4().substr(0, 8) + ".jsonl")).string();
    ::setenv("ECHO_JOB_OUT", echo_out.c_str(), 1);
  }

  // 1. The local SQS.
  const std::string launcher =
      env.count("EBWORKER_FAUXQS_LAUNCHER") ? env["EBWORKER_FAUXQS_LAUNCHER"] : "scripts/fauxqs.mjs";
  if (!std::filesystem::exists(launcher))
    return dev_error(launcher + " not found: run from the project root, or set EBWORKER_FAUXQS_LAUNCHER");
  auto fauxqs = ChildProcess::start({"node", launcher, std::to_string(sqs_port)}, "fauxqs: ");
  if (!fauxqs) return dev_error("cannot start fauxqs: " + fauxqs.error().message);
  const auto ready = (*fauxqs)->wait_for_line("listening on", std::chrono::seconds(30));
  if (!ready) return dev_error("fauxqs did not start (is ./scripts/setup.sh done? is port " +
                               std::to_string(sqs_port) + " free?)");
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(sqs_port);

  // 2. The queues.
  auto sqs = std::make_shared<SqsClient>(SqsClientOptions{
      .credentials = static_credentials({"local", "local", "", std::nullopt}),
      .endpoint = {.endpoint = endpoint, .region = "us-east-1"}});
  auto queues = create_queues(*sqs, queue_name, 3);
  if (!queues) return dev_error(queues.error().message);

  // 3. The worker and the daemon.
  auto worker = start_worker(worker_config, registry, std::move(options));
  if (!worker) return dev_error(worker.error().message);
  SqsdConfig sqsd_config;
  sqsd_config.queue_url = queues->queue_url;
  sqsd_config.worker_url = "http://127.0.0.1:" + std::to_string(worker_config.port);
  sqsd_config.max_retries = 3;
  sqsd_config.wait_time = 1;  // Ctrl-C within a second
  std::vector<CronTask> tasks;
  if (std::filesystem::exists("cron.yaml"))
    if (auto cron = CronFile::load("cron.yaml", registry)) tasks = cron->tasks();
  SqsdDaemon daemon(sqsd_config, sqs, std::move(tasks));
  if (auto started = daemon.start(); !started) return dev_error(started.error().message);

  spdlog::info("SQS endpoint {}  queue {}  dead-letter queue {}", endpoint, queues->queue_url,
               queues->dead_letter_queue_url);
  spdlog::info("enqueue from another terminal: AWS_ENDPOINT_URL_SQS={} EBWORKER_QUEUE_URL={} "
               "SECRET_KEY_BASE=... ./build/ebworker enqueue EchoJob '[\"hi\"]'",
               endpoint, queues->queue_url);

  // 4. The demo job, through SQS, the daemon and the worker.
  bool demo_done = false;
  if (registry.contains("EchoJob")) {
    ClientConfig client_config;
    client_config.queue_url = queues->queue_url;
    client_config.secret = env["SECRET_KEY_BASE"];
    client_config.endpoint = {.endpoint = endpoint, .region = "us-east-1"};
    client_config.credentials = static_credentials({"local", "local", "", std::nullopt});
    auto client = Client::create(client_config);
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
    std::_Exit(1);
  }
  (*worker)->stop();
  return once && !demo_done ? 1 : 0;
}

}  // namespace ebworker
