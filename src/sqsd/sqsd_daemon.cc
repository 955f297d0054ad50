#include "sqsd/sqsd_daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "sqs/sqs_endpoint.h"
#include "sqsd/worker_post.h"

namespace ebworker {

SqsdDaemon::SqsdDaemon(SqsdConfig config, std::shared_ptr<const SqsClient> sqs, std::vector<CronTask> cron)
    : config_(std::move(config)),
      sqs_(std::move(sqs)),
      deletes_(sqs_, config_.queue_url),
      heartbeat_(std::chrono::seconds(config_.visibility_timeout),
                 [this](const std::string& receipt_handle, int seconds) {
                   auto changed = sqs_->change_message_visibility(config_.queue_url, receipt_handle, seconds);
                   if (!changed)
                     spdlog::warn("could not extend a running message's visibility: {}",
                                  changed.error().describe());
                   return bool(changed);
                 }),
      posters_(static_cast<size_t>(config_.http_connections)) {
  auto url = QueueUrl::parse(config_.queue_url);
  queue_name_ = url ? url->name : config_.queue_url;
  if (config_.leader && !cron.empty())
    scheduler_.emplace(std::move(cron), [this](const CronTask& task, PeriodicScheduler::Time at) -> Status {
      auto sent = sqs_->send_message(config_.queue_url, scheduled_job_message(task, at));
      if (!sent) return fail(sent.error().describe());
      return {};
    });
}

SqsdDaemon::~SqsdDaemon() { stop(); }

Status SqsdDaemon::start() {
  // Fail fast on a wrong queue URL or credentials, rather than logging the same error forever.
  auto attributes = sqs_->get_queue_attributes(config_.queue_url, {"QueueArn"});
  if (!attributes) return fail("cannot use queue " + config_.queue_url + ": " + attributes.error().describe());
  poller_ = std::thread([this] { poll(); });
  if (scheduler_) scheduler_->start();
  spdlog::info("sqsd polling {} for {}{} ({} connections{})", config_.queue_url, config_.worker_url,
               config_.http_path, config_.http_connections,
               scheduler_ ? ", cron leader" : (config_.leader ? "" : ", not the cron leader"));
  return {};
}

void SqsdDaemon::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !poller_.joinable()) return;
    stopping_ = true;
  }
  cancel_receive_ = true;
  changed_.notify_all();
  if (scheduler_) scheduler_->stop();
  const bool was_polling = poller_.joinable();
  if (was_polling) poller_.join();
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return in_flight_ == 0; });
  }
  deletes_.flush();
  if (was_polling) spdlog::info("sqsd totals: {}", counters().describe());
}

SqsdCounters SqsdDaemon::counters() const {
  SqsdCounters c = counters_.snapshot();
  c.deleted = deletes_.deleted();
  c.delete_failed = deletes_.failed();
  std::lock_guard lock(mutex_);
  c.in_flight = in_flight_;
  c.visibility_extended = heartbeat_.extended();
  c.extend_failed = heartbeat_.failed();
  return c;
}

void SqsdDaemon::poll() {
  // The poller must outlive anything one round throws (a bad answer, a full disk for the log):
  // it logs why and polls again, so the daemon never goes quietly deaf.
  for (;;) {
    try {
      poll_until_stopped();
      return;
    } catch (const std::exception& e) {
      spdlog::error("the poller failed: {}; polling again in 1 s", e.what());
    } catch (...) {
      spdlog::error("the poller failed (a non-standard exception); polling again in 1 s");
    }
    std::unique_lock lock(mutex_);
    if (changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) return;
  }
}

void SqsdDaemon::poll_until_stopped() {
  const int max_in_flight = config_.http_connections;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (worker_down_) {
      // Received messages would each burn a receive towards MaxRetries: probe instead.
      lock.unlock();
      const bool up = worker_answers();
      lock.lock();
      if (!up) {
        changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
        continue;
      }
      worker_down_ = false;
      spdlog::info("the worker at {} accepts connections again after {} s: receiving", config_.worker_url,
                   std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - down_since_).count());
    }
    changed_.wait(lock, [&] { return stopping_ || in_flight_ < max_in_flight; });
    if (stopping_) break;
    const int room = std::min(max_in_flight - in_flight_, static_cast<int>(kMaxBatchEntries));
    lock.unlock();
    auto received = sqs_->receive_messages(
        config_.queue_url,
        ReceiveOptions{.max_messages = room, .wait_seconds = config_.wait_time,
                       .visibility_timeout = config_.visibility_timeout, .cancel = &cancel_receive_});
    lock.lock();
    if (!received && stopping_) break;  // the long poll given up at stop
    if (!received) {
      spdlog::warn("receive from {} failed: {}", config_.queue_url, received.error().describe());
      changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
      continue;
    }
    counters_.received += static_cast<long>(received->size());
    for (auto& message : *received) {
      if (stopping_ || worker_down_) {
        // Received by a long poll that was already under way when a POST found the worker down
        // (or at stop): handed back unposted, since a post would only fail too.
        const bool stopping = stopping_;
        lock.unlock();
        if (!stopping)
          spdlog::info("msgid={} received while the worker is down: released unposted", message.message_id);
        release(message, 0, stopping ? "sqsd is stopping" : "the worker is down");
        lock.lock();
        continue;
      }
      if (expired(message)) {
        lock.unlock();
        spdlog::warn("msgid={} is older than the retention period ({} s): deleted without posting",
                     message.message_id, config_.retention_period);
        ++counters_.expired;
        deletes_.add(message.message_id, message.receipt_handle);
        lock.lock();
        continue;
      }
      ++in_flight_;
      ++counters_.posted;
      const long id = next_id_++;
      heartbeat_.watch(id, message.receipt_handle);  // from receipt: its visibility counts from there
      auto shared = std::make_shared<ReceivedMessage>(std::move(message));
      // The in-flight count comes down in `then`, once the poster's slot is free again: at most
      // http_connections are in flight and the pool has that many threads, so it never refuses.
      const auto admission = posters_.try_submit([this, id, shared] { post(id, *shared); },
                                                 [this] {
                                                   {
                                                     std::lock_guard done(mutex_);
                                                     --in_flight_;
                                                   }
                                                   changed_.notify_all();
                                                 });
      if (admission != JobPool::Admission::accepted) {
        --in_flight_;
        --counters_.posted;
        lock.unlock();
        heartbeat_.forget(id);
        spdlog::error("msgid={} found no free poster: released", shared->message_id);
        release(*shared, 0, "no poster was free");
        lock.lock();
      }
    }
  }
}

// Any HTTP answer at all, even a 404, means the worker is listening again.
bool SqsdDaemon::worker_answers() {
  HttpRequest probe;
  probe.method = "GET";
  probe.url = config_.worker_url + "/";
  probe.connect_timeout = std::chrono::seconds(config_.connect_timeout);
  probe.timeout = std::chrono::seconds(5);
  probe.oversize = HttpRequest::Oversize::truncate;
  probe.cancel = &cancel_receive_;
  auto reply = worker_.perform(probe);
  spdlog::debug("probe of the worker at {}: {}", config_.worker_url, reply ? "answered" : reply.error().message);
  return bool(reply);
}

bool SqsdDaemon::expired(const ReceivedMessage& message) const {
  const auto it = message.attributes.find("ApproximateFirstReceiveTimestamp");
  if (it == message.attributes.end()) return false;
  long long first_ms = 0;
  const auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), first_ms);
  if (ec != std::errc()) return false;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  return now_ms - first_ms > static_cast<long long>(config_.retention_period) * 1000;
}

void SqsdDaemon::release(const ReceivedMessage& message, int visibility_seconds, std::string_view why) {
  auto changed = sqs_->change_message_visibility(config_.queue_url, message.receipt_handle, visibility_seconds);
  ++(changed ? counters_.released : counters_.release_failed);
  if (!changed)
    spdlog::warn("msgid={} {}; could not change its visibility ({}): it returns after the visibility timeout",
                 message.message_id, why, changed.error().describe());
}

namespace {

// A Retry-After of whole seconds (the form our worker sends), within SQS's visibility range.
std::optional<int> retry_after(const HttpReply& reply) {
  const std::string* text = reply.headers.find("Retry-After");
  if (!text) return std::nullopt;
  int seconds = -1;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
  if (ec != std::errc() || end != text->data() + text->size() || seconds < 0) return std::nullopt;
  return std::min(seconds, 43200);
}

}  // namespace

void SqsdDaemon::post(long id, const ReceivedMessage& message) {
  const auto started = std::chrono::steady_clock::now();
  const WorkerPost post = build_worker_post(message, config_, queue_name_);
  auto reply = worker_.perform(post.request);
  heartbeat_.forget(id);  // before the delete or release: no extension may land after them
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  const std::string what = post.task_name.empty() ? "" : " task=" + post.task_name;
  if (reply && reply->status == 200) {
    ++counters_.succeeded;
    spdlog::info("msgid={}{} status=200 duration_ms={}: deleting", message.message_id, what, ms);
    deletes_.add(message.message_id, message.receipt_handle);
    return;
  }
  ++counters_.failed;
  const std::string why = reply ? "status=" + std::to_string(reply->status) : "error=\"" + reply.error().message + "\"";
  if (!reply && reply.error().not_connected) {
    // The worker is down (restarting, crashed): hand the message back at once and stop receiving
    // until it accepts connections again, rather than burn every queued message's retries.
    {
      std::lock_guard lock(mutex_);
      if (!worker_down_) {
        worker_down_ = true;
        down_since_ = std::chrono::steady_clock::now();
        spdlog::warn("the worker at {} accepts no connections ({}): receiving nothing until it does, "
                     "probing it each second", config_.worker_url, reply.error().message);
      }
    }
    spdlog::warn("msgid={}{} {} duration_ms={}: released for when the worker is back", message.message_id, what, why, ms);
    release(message, 0, why);
    return;
  }
  const std::optional<int> asked = reply ? retry_after(*reply) : std::nullopt;
  const int visibility = asked.value_or(config_.error_visibility_timeout);
  spdlog::warn("msgid={}{} {} duration_ms={}: retry in {} s{}", message.message_id, what, why, ms, visibility,
               asked ? " (Retry-After)" : "");
  release(message, visibility, why);
}

}  // namespace ebworker
