#include <ebworker/client/client.h>

#include <algorithm>
#include <limits>
#include <map>

#include "client/client_settings.h"
#include "client/enqueue_keys.h"
#include "core/due_time.h"
#include "core/limits.h"
#include "core/iso_time.h"
#include "core/text.h"
#include "envelope/active_job_body.h"
#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "sqs/message_checks.h"
#include "sqs/sqs_client.h"

namespace ebworker {

namespace {

// active_elastic_job refuses a larger body before sending it.
constexpr std::size_t kAejMaxBodyBytes = 256 * 1024;

// The secret a Rails app keys active_elastic_job with is a string it reads from its environment
// or credentials: one holding a control character, a byte that is not UTF-8 or blanks at either
// end (which env files and YAML drop) would not be the same bytes there.
Status check_shareable_secret(std::string_view secret) {
  if (!is_valid_utf8(secret)) return fail("SECRET_KEY_BASE is not UTF-8 text, which a Rails app cannot hold");
  for (const char c : secret)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return fail("SECRET_KEY_BASE holds a control character, which a Rails app's secret_key_base cannot");
  if (secret.front() == ' ' || secret.back() == ' ')
    return fail("SECRET_KEY_BASE begins or ends with a blank, which a Rails app's environment or credentials drop");
  return {};
}

}  // namespace

struct Client::Prepared {
  OutgoingMessage message;
  std::string job_id;
  std::string queue_url;
};

struct Client::Parts {
  Signer signer;
  SqsClient sqs;
  std::shared_ptr<const EnqueueKeys> keys;  // null: no limits table
};

Client::Client(ClientConfig config, std::shared_ptr<const Parts> parts)
    : config_(std::move(config)), parts_(std::move(parts)) {}

Result<Client> Client::create(ClientConfig config, const Environment& env) {
  if (config.secret.empty())
    return fail("SECRET_KEY_BASE is not set: jobs must be signed with the key the worker checks");
  if (config.message_format != MessageFormat::ebworker)
    if (auto ok = check_shareable_secret(config.secret); !ok) return Unexpected{ok.error()};
  // active_elastic_job's digest is HMAC-SHA1; an active_job message is not signed at all.
  auto signer = Signer::create(config.secret, {}, "SECRET_KEY_BASE", "SECRET_KEY_BASE_PREVIOUS",
                               config.message_format == MessageFormat::active_elastic_job ? HmacDigest::sha1
                                                                                         : HmacDigest::sha256);
  if (!signer) return Unexpected{signer.error()};
  if (!config.queue_url.empty())
    if (auto q = QueueUrl::parse(config.queue_url); !q) return Unexpected{q.error()};
  if (!config.credentials) config.credentials = default_credentials_chain(env);
  auto keys = enqueue_keys_for(config, env);
  if (!keys) return Unexpected{keys.error()};

  auto parts = std::make_shared<const Parts>(
      Parts{std::move(signer).value(), SqsClient(sqs_client_options(config)), std::move(keys).value()});
  return Client(std::move(config), std::move(parts));
}

Result<Client> Client::from_environment(const Environment& env) {
  auto config = load_client_config(env);
  if (!config) return Unexpected{config.error()};
  return create(std::move(config).value(), env);
}

SqsResult<Client::Prepared> Client::prepare(std::string_view job, std::string_view arguments_json,
                                            const EnqueueOptions& options) const {
  const auto refuse = [&](std::string message) {
    SqsError e = invalid_request(std::move(message));
    e.context = "enqueue " + std::string(job.empty() ? "(no job)" : job);
    return Unexpected{std::move(e)};
  };
  if (job.empty()) return refuse("name a job");
  Prepared p;
  p.queue_url = options.queue_url.empty() ? config_.queue_url : options.queue_url;
  if (p.queue_url.empty()) return refuse("no queue URL: set EBWORKER_QUEUE_URL or name a queue URL");
  auto queue = QueueUrl::parse(p.queue_url);
  if (!queue) return refuse(queue.error().message);

  // The envelope's queue_name is the queue's own name, as ActiveJob's would be.
  auto envelope = Envelope::make(std::string(job), arguments_json, queue->name);
  if (!envelope) return refuse("arguments: " + envelope.error().message);
  p.job_id = envelope->job_id;
  const MessageFormat format = config_.message_format;
  const bool rails = format != MessageFormat::ebworker;
  if (rails) {
    if (auto forms = check_active_job_forms(envelope->arguments); !forms) return refuse("arguments: " + forms.error().message);
    envelope->format = format;
    envelope->enqueued_at = iso8601_utc_nanoseconds(std::chrono::system_clock::now());
  }

  // A job due later than one message can be delayed says when it is due, and travels in hops.
  std::optional<int> delay = options.delay_seconds;
  if (!options.debounce_key.empty()) {
    if (rails) return refuse("a debounce key needs ebworker's own message format");
    if (!parts_->keys) return refuse("a debounce key needs EBWORKER_LIMITS_TABLE, the DynamoDB table it is recorded in");
    if (options.debounce_key.size() > kMaxUniqueKey || options.debounce_for.count() < 1 ||
        options.debounce_for.count() > kMaxUniqueFor)
      return refuse("a debounce key is 1 to " + std::to_string(kMaxUniqueKey) + " bytes with a window of 1 s to a year");
    if (delay || options.run_at) return refuse("a debounced job is delayed by its window: give no other delay");
    delay = static_cast<int>(options.debounce_for.count());
    envelope->debounce_key = options.debounce_key;
    envelope->debounce_for = options.debounce_for.count();
  }
  if (options.run_at) {
    if (delay) return refuse("give a delay or a time to run at, not both");
    const auto left = std::chrono::ceil<std::chrono::seconds>(*options.run_at - std::chrono::system_clock::now());
    delay = static_cast<int>(std::clamp<long long>(left.count(), 0, std::numeric_limits<int>::max()));
  }
  constexpr int kLongestDelay = 366 * 24 * 3600;
  if (delay && *delay > kLongestDelay)
    return refuse("delay " + std::to_string(*delay) + " s is over a year; use cron.yaml for what recurs");
  // A Rails worker runs what it receives: a job due later than one message's delay cannot wait.
  if (rails && delay && *delay > kMaxDelaySeconds)
    return refuse("delay " + std::to_string(*delay) + " s is over " + std::to_string(kMaxDelaySeconds) + " s, which " +
                  std::string(format_name(format)) + " cannot carry (a Rails worker does not send a job on until due)");
  if (rails && delay && *delay > 0)
    envelope->scheduled_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                             std::chrono::seconds(*delay);
  if (!rails && delay && *delay > config_.max_hop_delay.count()) {
    if (queue->fifo()) return refuse("a FIFO queue takes no per-message delay, so no job due later either");
    envelope->scheduled_at = due_after(std::chrono::system_clock::now(), std::chrono::seconds(*delay));
    delay = static_cast<int>(config_.max_hop_delay.count());
  }

  if (!options.unique_key.empty()) {
    if (rails) return refuse("a unique key needs ebworker's own message format");
    if (options.unique_key.size() > kMaxUniqueKey || options.unique_for.count() < 1 ||
        options.unique_for.count() > kMaxUniqueFor)
      return refuse("a unique key is 1 to " + std::to_string(kMaxUniqueKey) + " bytes with a window of 1 s to a year");
    envelope->unique_key = options.unique_key;
    envelope->unique_for = options.unique_for.count();
  }

  OutgoingMessage& m = p.message;
  switch (format) {
    case MessageFormat::ebworker:
      m.body = envelope->to_json();
      m.attributes = {{std::string(kDigestAttribute), "String", parts_->signer.sign(m.body)},
                      {std::string(kOriginAttribute), "String", std::string(kOriginValue)}};
      break;
    case MessageFormat::active_elastic_job:
      m.body = active_job_json(*envelope);
      if (m.body.size() > kAejMaxBodyBytes)
        return refuse("the body is " + std::to_string(m.body.size()) + " bytes, over active_elastic_job's " +
                      std::to_string(kAejMaxBodyBytes));
      m.attributes = {{std::string(kDigestAttribute), "String", parts_->signer.sign(m.body)},
                      {std::string(kOriginAttribute), "String", std::string(kAejOriginValue)}};
      break;
    case MessageFormat::active_job:
      m.body = active_job_json(*envelope);
      m.attributes = {{std::string(kActiveJobClassAttribute), "String", std::string(job)},
                      {std::string(kActiveJobVersionAttribute), "String", std::string(kActiveJobVersionValue)}};
      break;
  }
  m.delay_seconds = delay;
  m.group_id = options.group_id;
  m.deduplication_id = options.deduplication_id;
  if (queue->fifo()) {
    if (m.delay_seconds == 0) m.delay_seconds.reset();  // SQS refuses even a zero on FIFO queues
    if (m.group_id.empty()) m.group_id = std::string(job);
    if (m.deduplication_id.empty()) m.deduplication_id = p.job_id;
  }
  if (auto ok = check_outgoing_message(m, queue->fifo(), {config_.max_message_bytes}); !ok)
    return refuse(ok.error().message);
  return p;
}

SqsResult<Enqueued> Client::enqueue(std::string_view job, std::string_view arguments_json,
                                    const EnqueueOptions& options) const {
  auto prepared = prepare(job, arguments_json, options);
  if (!prepared) return Unexpected{prepared.error()};
  const bool claims = !options.unique_key.empty() && parts_->keys;
  if (claims) {
    auto claimed = parts_->keys->claim_unique(options.unique_key, prepared->job_id, options.unique_for);
    if (!claimed) return Unexpected{claimed.error()};
    if (!*claimed) return Enqueued{.already_enqueued = true};
  }
  // What was claimed goes back when nothing is sent: the key is free for the next try.
  const auto unsent = [&](SqsError error) {
    if (claims) parts_->keys->release_unique(options.unique_key, prepared->job_id);
    return Unexpected{std::move(error)};
  };
  // Recorded before the send: a send that then fails leaves the key naming a job never sent (its
  // earlier enqueues are skipped); the error tells the caller to enqueue again.
  if (!options.debounce_key.empty())
    if (auto recorded = parts_->keys->debounce(options.debounce_key, prepared->job_id, options.debounce_for); !recorded)
      return unsent(recorded.error());
  auto sent = parts_->sqs.send_message(prepared->queue_url, prepared->message);
  if (!sent) return unsent(sent.error());
  return Enqueued{sent->message_id, prepared->job_id, sent->sequence_number};
}

std::vector<SqsResult<Enqueued>> Client::enqueue_batch(const std::vector<JobToEnqueue>& jobs) const {
  std::vector<std::optional<SqsResult<Enqueued>>> results(jobs.size());
  std::vector<std::optional<Prepared>> prepared(jobs.size());
  // Jobs that passed the checks, by queue, in the order given.
  std::map<std::string, std::vector<std::size_t>> by_queue;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (!jobs[i].options.debounce_key.empty() || (!jobs[i].options.unique_key.empty() && parts_->keys)) {
      SqsError e = invalid_request("a debounced or unique job is enqueued on its own (enqueue), its key written before it is sent");
      e.context = "enqueue " + jobs[i].job;
      results[i] = Unexpected{std::move(e)};
      continue;
    }
    auto p = prepare(jobs[i].job, jobs[i].arguments_json, jobs[i].options);
    if (!p) {
      results[i] = Unexpected{p.error()};
      continue;
    }
    by_queue[p->queue_url].push_back(i);
    prepared[i] = std::move(p).value();
  }

  for (const auto& [queue_url, indexes] : by_queue) {
    // Split into requests of at most 10 entries whose sizes add up to no more than one message's
    // limit (SQS caps a batch's total payload as it caps one message).
    std::size_t start = 0;
    while (start < indexes.size()) {
      std::vector<OutgoingMessage> chunk;
      std::vector<std::size_t> chunk_jobs;
      std::size_t bytes = 0;
      for (std::size_t k = start; k < indexes.size() && chunk.size() < kMaxBatchEntries; ++k) {
        const auto& message = prepared[indexes[k]]->message;
        const std::size_t size = message_size(message);
        if (!chunk.empty() && bytes + size > config_.max_message_bytes) break;
        bytes += size;
        chunk.push_back(message);
        chunk_jobs.push_back(indexes[k]);
      }
      start += chunk.size();
      auto sent = parts_->sqs.send_message_batch(queue_url, chunk);
      for (std::size_t k = 0; k < chunk_jobs.size(); ++k) {
        const std::size_t i = chunk_jobs[k];
        if (sent[k])
          results[i] = Enqueued{sent[k]->message_id, prepared[i]->job_id, sent[k]->sequence_number};
        else
          results[i] = Unexpected{sent[k].error()};
      }
    }
  }

  std::vector<SqsResult<Enqueued>> out;
  out.reserve(jobs.size());
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace ebworker
