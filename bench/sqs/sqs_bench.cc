// The client and pipeline benchmarks' C++ side, against a local SQS (fauxqs) on 127.0.0.1.
//   sqs_bench arguments
//       prints the sample job's arguments JSON (the AWS SDK harness sends the same messages)
//   sqs_bench create-queue --endpoint URL --name NAME
//       prints the queue's URL
//   sqs_bench client --endpoint URL --queue-url Q --mode single|batch --threads T --messages N [--warmup W]
//       N NoopJob messages through Client::enqueue (single) or enqueue_batch (batch), split over
//       T threads; prints RESULT {…} with messages/s and client CPU seconds per 1,000 messages
//   sqs_bench fill --endpoint URL --queue-url Q --messages N
//       enqueues N messages (batches, 4 threads), untimed
//   sqs_bench drain --endpoint URL --queue-url Q --messages N [--timeout S]
//       the queue's own rate: a plain loop of ReceiveMessage (10) and DeleteMessageBatch until N
//       messages are deleted; prints RESULT {…}
//   sqs_bench wait-empty --endpoint URL --queue-url Q --since-ns T [--timeout S]
//       polls the queue's counts every 20 ms until nothing is left (visible, in flight or
//       delayed); prints RESULT {…} with the seconds since T (CLOCK_REALTIME nanoseconds)
// Every loop is bounded by its count and by --timeout (default 120 s).
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <ebworker/client/client.h>

#include "common/sample_job.h"
#include "sqs/sqs_client.h"

namespace {

using namespace ebworker;
using Clock = std::chrono::steady_clock;

struct Args {
  std::map<std::string, std::string> values;
  std::string get(const std::string& name, const std::string& fallback = "") const {
    const auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
  long number(const std::string& name, long fallback) const {
    const auto it = values.find(name);
    return it == values.end() ? fallback : std::atol(it->second.c_str());
  }
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "sqs_bench: %s\n", message.c_str());
  std::exit(1);
}

std::shared_ptr<CredentialsProvider> credentials() {
  return static_credentials(AwsCredentials{"bench", "bench-secret", "", std::nullopt});
}

SqsClient sqs_client(const Args& args) {
  SqsClientOptions options;
  options.credentials = credentials();
  options.endpoint = {args.get("--endpoint"), "us-east-1"};
  return SqsClient(std::move(options));
}

Client enqueue_client(const Args& args) {
  ClientConfig config;
  config.queue_url = args.get("--queue-url");
  config.secret = bench::kSecret;
  config.endpoint = {args.get("--endpoint"), "us-east-1"};
  config.credentials = credentials();
  auto client = Client::create(std::move(config));
  if (!client) die(client.error().message);
  return std::move(client).value();
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Sends `count` messages one by one or in batches; returns the number that failed.
long send(const Client& client, const std::string& mode, long count, const std::string& arguments) {
  long failed = 0;
  if (mode == "single") {
    for (long i = 0; i < count; ++i)
      if (!client.enqueue("NoopJob", arguments)) ++failed;
    return failed;
  }
  std::vector<JobToEnqueue> jobs(static_cast<std::size_t>(count), JobToEnqueue{"NoopJob", arguments, {}});
  for (const auto& r : client.enqueue_batch(jobs))
    if (!r) ++failed;
  return failed;
}

// `messages` split over `threads`, each sending its share; returns the number that failed.
long send_parallel(const Client& client, const std::string& mode, long messages, long threads,
                   const std::string& arguments) {
  std::atomic<long> failed{0};
  std::vector<std::thread> workers;
  for (long t = 0; t < threads; ++t) {
    const long share = messages / threads + (t < messages % threads ? 1 : 0);
    workers.emplace_back([&, share] { failed += send(client, mode, share, arguments); });
  }
  for (auto& w : workers) w.join();
  return failed;
}

int client_command(const Args& args) {
  const std::string mode = args.get("--mode", "single");
  if (mode != "single" && mode != "batch") die("--mode is single or batch");
  const long threads = std::max(1L, args.number("--threads", 1));
  const long messages = args.number("--messages", 1000);
  const long warmup = args.number("--warmup", 20);
  const Client client = enqueue_client(args);
  const std::string arguments = bench::sample_arguments();

  // Warm-up: connections open, credentials cached; not measured.
  if (send_parallel(client, mode, warmup, threads, arguments) > 0) die("warm-up sends failed");

  const double cpu0 = cpu_seconds();
  const auto start = Clock::now();
  const long failed = send_parallel(client, mode, messages, threads, arguments);
  const double seconds = since(start);
  const double cpu = cpu_seconds() - cpu0;
  std::printf(
      "RESULT {\"impl\":\"ebworker\",\"mode\":\"%s\",\"threads\":%ld,\"messages\":%ld,\"failed\":%ld,"
      "\"seconds\":%.3f,\"msgs_per_s\":%.1f,\"cpu_s\":%.3f,\"cpu_s_per_1000\":%.4f}\n",
      mode.c_str(), threads, messages, failed, seconds, static_cast<double>(messages) / seconds, cpu,
      cpu * 1000.0 / static_cast<double>(messages));
  return failed ? 1 : 0;
}

int fill_command(const Args& args) {
  const long messages = args.number("--messages", 1000);
  const Client client = enqueue_client(args);
  const long failed = send_parallel(client, "batch", messages, 4, bench::sample_arguments());
  if (failed) die(std::to_string(failed) + " messages could not be enqueued");
  return 0;
}

int drain_command(const Args& args) {
  const long messages = args.number("--messages", 1000);
  const auto timeout = std::chrono::seconds(args.number("--timeout", 120));
  const std::string queue = args.get("--queue-url");
  const SqsClient sqs = sqs_client(args);
  long deleted = 0, receives = 0;
  const double cpu0 = cpu_seconds();
  const auto start = Clock::now();
  while (deleted < messages && Clock::now() - start < timeout) {
    auto received = sqs.receive_messages(queue, ReceiveOptions{.max_messages = 10, .wait_seconds = 1});
    ++receives;
    if (!received) die("receive: " + received.error().describe());
    if (received->empty()) continue;
    std::vector<std::string> handles;
    for (const auto& m : *received) handles.push_back(m.receipt_handle);
    for (const auto& r : sqs.delete_message_batch(queue, handles))
      if (r) ++deleted;
  }
  const double seconds = since(start);
  std::printf(
      "RESULT {\"stage\":\"queue\",\"messages\":%ld,\"receives\":%ld,\"seconds\":%.3f,\"jobs_per_s\":%.1f,"
      "\"loop_cpu_s\":%.3f}\n",
      deleted, receives, seconds, static_cast<double>(deleted) / seconds, cpu_seconds() - cpu0);
  return deleted == messages ? 0 : 1;
}

int wait_empty_command(const Args& args) {
  const std::string queue = args.get("--queue-url");
  const long long since_ns = std::atoll(args.get("--since-ns", "0").c_str());
  const auto timeout = std::chrono::seconds(args.number("--timeout", 120));
  const SqsClient sqs = sqs_client(args);
  const auto start = Clock::now();
  const std::vector<std::string> names = {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                          "ApproximateNumberOfMessagesDelayed"};
  for (;;) {
    auto attributes = sqs.get_queue_attributes(queue, names);
    if (!attributes) die("GetQueueAttributes: " + attributes.error().describe());
    long left = 0;
    for (const auto& n : names)
      if (auto it = attributes->find(n); it != attributes->end()) left += std::atol(it->second.c_str());
    const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    if (left == 0) {
      std::printf("RESULT {\"stage\":\"pipeline\",\"seconds\":%.3f}\n", static_cast<double>(now_ns - since_ns) / 1e9);
      return 0;
    }
    if (Clock::now() - start > timeout) die(std::to_string(left) + " messages still in the queue at the timeout");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die("usage: sqs_bench arguments|create-queue|client|fill|drain|wait-empty [--name value]...");
  const std::string command = argv[1];
  Args args;
  for (int i = 2; i + 1 < argc; i += 2) args.values[argv[i]] = argv[i + 1];

  if (command == "arguments") {
    std::printf("%s\n", bench::sample_arguments().c_str());
    return 0;
  }
  if (command == "create-queue") {
    auto url = sqs_client(args).create_queue(args.get("--name", "bench"));
    if (!url) die("CreateQueue: " + url.error().describe());
    std::printf("%s\n", url->c_str());
    return 0;
  }
  if (command == "client") return client_command(args);
  if (command == "fill") return fill_command(args);
  if (command == "drain") return drain_command(args);
  if (command == "wait-empty") return wait_empty_command(args);
  die("unknown command " + command);
}
