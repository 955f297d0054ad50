#pragma once
// The enqueue client: what web-tier code calls to hand a job to the worker tier.
//
//   auto client = ebworker::Client::from_environment(ebworker::process_environment());
//   auto sent = client->enqueue("EchoJob", R"(["hello"])");
//   if (!sent) log(sent.error().describe()); else log(sent->message_id);
//
// Each job travels as a signed envelope (docs/wire-protocol.md): the body is the envelope JSON,
// with String attributes message-digest (HMAC-SHA256 of the body under SECRET_KEY_BASE) and
// origin=ebworker; or, for a Rails worker (ClientConfig::message_format), ActiveJob's body
// signed as active_elastic_job checks or unsigned (docs/rails.md). Before anything is sent the message is checked (size, delay, characters,
// FIFO rules); after, SQS's MD5s are checked against it: a success is a message SQS holds intact.
//
// Thread-safe; copies share one connection pool.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/client/client_config.h>
#include <ebworker/environment.h>
#include <ebworker/result.h>
#include <ebworker/client/sqs_error.h>

namespace ebworker {

struct EnqueueOptions {
  // Standard queues only. Any delay up to a year: past the per-hop maximum (15 minutes, SQS's
  // longest) the envelope carries when the job is due, and workers send it on until then (they
  // need their EBWORKER_QUEUE_URL for that).
  std::optional<int> delay_seconds;
  std::optional<std::chrono::system_clock::time_point> run_at;  // instead of a delay: when due
  std::string queue_url;             // empty: the client's queue
  // FIFO queues (URL ending .fifo). Empty: the job name, and the job id.
  std::string group_id;
  std::string deduplication_id;
  // A unique job (ebworker's own format only): a client with a limits table
  // (ClientConfig::limits_table) claims the key for `unique_for` before sending, and while an
  // earlier claim lasts sends nothing and answers Enqueued::already_enqueued. The envelope
  // carries the key and window, and a worker with EBWORKER_LIMITS_TABLE skips (200, skipped) a
  // message of that key whose run completed less than `unique_for` ago: a duplicate delivery, or
  // a second enqueue (docs/guide.md, "Unique jobs"). Without a table the client sends it unclaimed.
  std::string unique_key;
  std::chrono::seconds unique_for{0};  // 1 s to a year with a key
  // A debounced job (ebworker's own format, standard queues, a client with a limits table): of
  // the enqueues of one key within `debounce_for` of each other, only the last runs. Each is
  // recorded as the key's last in the limits table, then sent delayed by `debounce_for` (no
  // other delay may be given); a worker skips (200, skipped) one that is no longer the key's
  // last (docs/guide.md, "Debounce").
  std::string debounce_key;
  std::chrono::seconds debounce_for{0};  // 1 s to a year with a key
};

struct Enqueued {
  std::string message_id{};       // SQS's MessageId
  std::string job_id{};           // the envelope's job_id
  std::string sequence_number{};  // FIFO queues only
  // A unique job whose key an earlier enqueue still holds: nothing was sent (the ids are empty).
  bool already_enqueued = false;
};

struct JobToEnqueue {
  std::string job;
  std::string arguments_json = "[]";  // a JSON array
  EnqueueOptions options;
};

class Client {
 public:
  // Checks the configuration: the secret's length, the queue URL.
  // With no credentials in `config`, the AWS SDKs' default chain looks for them in `env`.
  static Result<Client> create(ClientConfig config, const Environment& env = process_environment());
  static Result<Client> from_environment(const Environment& env);

  SqsResult<Enqueued> enqueue(std::string_view job, std::string_view arguments_json = "[]",
                              const EnqueueOptions& options = {}) const;

  // One result per job, in order. Jobs go 10 to a SendMessageBatch request (fewer when the 10
  // would exceed the size limit together); entries SQS fails are retried when that is safe,
  // else reported for that job alone. A debounced job, or a unique one of a client with a limits
  // table, is refused here: enqueue() it, its key is written before it is sent.
  std::vector<SqsResult<Enqueued>> enqueue_batch(const std::vector<JobToEnqueue>& jobs) const;

  const ClientConfig& config() const { return config_; }

 private:
  struct Prepared;
  struct Parts;  // the signer, the SQS client and the limits table, shared by copies
  Client(ClientConfig config, std::shared_ptr<const Parts> parts);
  SqsResult<Prepared> prepare(std::string_view job, std::string_view arguments_json,
                              const EnqueueOptions& options) const;

  ClientConfig config_;
  std::shared_ptr<const Parts> parts_;
};

}  // namespace ebworker
