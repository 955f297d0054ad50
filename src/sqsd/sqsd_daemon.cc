// One concept past 400 lines, on purpose: the daemon's loop. Receiving, posting, answering and
// releasing share one lock, one in-flight count and one set of counters, and the order in which
// they change is what keeps a message from being deleted before its job is done or posted twice
// at once. What stands alone is already its own file: the POST (worker_post), batched deletes,
// visibility heartbeats, the cron scheduler and leader, the health server and the metrics.
#include "sqsd/sqsd_daemon.h"

#include <spdlog/spdlog.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "core/limits.h"
#include "core/log_event.h"
#include "http/health_response.h"
#include "net/url.h"
#include "sqs/sqs_endpoint.h"
#include "sqsd/http_delivery.h"
#include "sqsd/run_claims.h"
#include "metrics/text_format.h"
#include "sqsd/sqsd_metrics.h"
#include "sqsd/worker_post.h"

namespace ebworker {

SqsdDaemon::SqsdDaemon(SqsdConfig config, std::shared_ptr<const SqsClient> sqs, std::vector<CronTask> cron,
                       std::shared_ptr<const LeaseTable> leader_table, std::unique_ptr<Delivery> delivery)
    : config_(std::move(config)),
      sqs_(std::move(sqs)),
      deletes_(sqs_, config_.queue_url,
               {.caught_up =
                    [this] {
                      { std::lock_guard lock(mutex_); }  // a receiver between its check and its wait hears it
                      changed_.notify_all();
                    }}),
      heartbeat_(std::chrono::seconds(config_.visibility_timeout),
                 [this](const std::string& receipt_handle, int seconds) -> Status {
                   auto changed = sqs_->change_message_visibility(config_.queue_url, receipt_handle, seconds);
                   if (!changed) return fail(changed.error().describe());
                   return {};
                 }),
      answer_handlers_(static_cast<size_t>(config_.http_connections)),
      delivery_(delivery ? std::move(delivery)
                         : std::make_unique<HttpDelivery>(config_.worker_url, config_.http_path,
                                                          std::chrono::seconds(config_.connect_timeout))) {
  auto url = QueueUrl::parse(config_.queue_url);
  queue_name_ = url ? url->name : config_.queue_url;
  PeriodicScheduler::Options elected;
  if (config_.leader && leader_table) {
    const auto lease = std::chrono::seconds(config_.leader_lease);
    election_.emplace(leader_table, queue_name_, make_holder_id(), lease, [this] {
      if (scheduler_) scheduler_->wake();  // sends the runs its predecessor left unclaimed
    });
    // Two leases back: the predecessor may have renewed a lease before it died, and the
    // take-over comes up to a third of a lease after that lease ran out.
    elected.catch_up = 2 * lease;
    elected.may_send = [this] { return election_->leading(); };
    elected.claim = run_claims(leader_table, election_->holder());
  }
  if (config_.leader && !cron.empty())
    scheduler_.emplace(
        std::move(cron),
        [this](const CronTask& task, PeriodicScheduler::Time at) -> Status {
          auto sent = sqs_->send_message(config_.queue_url, scheduled_job_message(task, at));
          if (!sent) return fail(sent.error().describe());
          return {};
        },
        PeriodicScheduler::system_clock_now, std::move(elected));
}

SqsdDaemon::~SqsdDaemon() { stop(); }

Status SqsdDaemon::start() {
  // Fail fast on a wrong queue URL or credentials, rather than logging the same error forever.
  auto attributes = sqs_->get_queue_attributes(config_.queue_url, {"QueueArn"});
  if (!attributes) return fail("cannot use queue " + config_.queue_url + ": " + attributes.error().describe());
  if (!leader_state_ && election_)
    leader_state_ = [this] { return std::string(election_->leading() ? "leader" : "follower"); };
  if (!leader_state_)
    leader_state_ = [leading = bool(scheduler_)] { return std::string(leading ? "leader" : "follower"); };
  if (config_.health_port > 0) {
    // Before the receivers: a port that cannot be had stops the start.
    health_server_ = std::make_unique<SqsdHealthServer>(
        config_.health_bind, static_cast<std::uint16_t>(config_.health_port), [this] { return health_answer(); },
        [this] { return metrics_answer(); });
    if (auto listening = health_server_->start(); !listening) {
      health_server_.reset();
      return fail("--health-port " + std::to_string(config_.health_port) + " on " + config_.health_bind + ": " +
                  listening.error().message);
    }
  }
  {
    std::lock_guard lock(mutex_);
    last_receive_ = std::chrono::steady_clock::now();  // the first receive's age counts from here
  }
  for (int i = 0; i < config_.receives; ++i) receivers_.emplace_back([this] { poll(); });
  if (election_) election_->start();
  if (scheduler_) scheduler_->start();
  spdlog::info("sqsd polling {} for {} ({} in flight at most, {} receives{}{})", config_.queue_url,
               delivery_->describe(), config_.http_connections, config_.receives,
               health_server_ ? ", health on " + config_.health_bind + ":" + std::to_string(health_server_->port()) : "",
               election_ ? ", cron leader when elected through dynamodb:" + config_.leader_table
               : scheduler_ ? ", cron leader" : (config_.leader ? "" : ", not the cron leader"));
  return {};
}

void SqsdDaemon::stop_receiving() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && receivers_.empty()) return;
    stopping_ = true;
  }
  cancel_receive_ = true;
  changed_.notify_all();
  if (scheduler_) scheduler_->stop();
  if (election_) election_->stop();  // hands the lease back: another daemon leads at once
  if (!receivers_.empty()) was_polling_ = true;
  for (auto& receiver : receivers_) receiver.join();
  receivers_.clear();
}

bool SqsdDaemon::stop(std::chrono::milliseconds in_flight_wait) {
  if (stopped_) return true;
  stop_receiving();
  bool answered = true;
  {
    std::unique_lock lock(mutex_);
    const auto all_answered = [this] { return in_flight_ == 0; };
    if (in_flight_wait == std::chrono::milliseconds::max())
      changed_.wait(lock, all_answered);
    else
      answered = changed_.wait_for(lock, in_flight_wait, all_answered);
    if (!answered) spdlog::warn("{} messages still in flight: not answered, they come back once their visibility ends", in_flight_);
  }
  for (const auto& message : std::exchange(held_while_down_, {})) release(message, 0, "sqsd is stopping");
  deletes_.flush();
  if (std::exchange(was_polling_, false)) spdlog::info("sqsd totals: {}", counters().describe());
  if (health_server_) health_server_->stop();  // it answered 503 while the daemon stopped
  stopped_ = answered;
  return answered;
}

void SqsdDaemon::set_leader_state(std::function<std::string()> state) { leader_state_ = std::move(state); }

SqsdDaemon::Health SqsdDaemon::health() const {
  Health h;
  h.leader_state = leader_state_ ? leader_state_() : "follower";
  std::lock_guard lock(mutex_);
  h.last_receive_age_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_receive_).count();
  h.in_flight = in_flight_;
  h.worker_up = !worker_down_;
  h.stopping = stopping_;
  // A receive returns within the long poll; three missed in a row (plus slack for SQS's
  // retries) means the daemon cannot reach its queue.
  h.healthy = !stopping_ && h.last_receive_age_seconds <= 3.0 * config_.wait_time + 30;
  return h;
}

Response SqsdDaemon::health_answer() const {
  const Health h = health();
  rapidjson::StringBuffer body;
  rapidjson::Writer<rapidjson::StringBuffer> json(body);
  json.StartObject();
  json.Key("status");
  json.String(h.healthy ? "ok" : (h.stopping ? "stopping" : "not receiving"));
  json.Key("leader");
  json.Bool(h.leader_state == "leader");
  json.Key("leader_state");
  json.String(h.leader_state.c_str(), static_cast<rapidjson::SizeType>(h.leader_state.size()));
  json.Key("last_receive_age_seconds");
  json.Double(std::round(h.last_receive_age_seconds * 1000) / 1000);
  json.Key("in_flight");
  json.Int64(h.in_flight);
  json.Key("worker_up");
  json.Bool(h.worker_up);
  json.EndObject();
  return health_response(h.healthy, std::string(body.GetString(), body.GetSize()));
}

Response SqsdDaemon::metrics_answer() const {
  const Health h = health();
  Response r;
  r.body = sqsd_metrics_text(counters(), h.leader_state == "leader", h.worker_up);
  r.headers.add("Content-Type", std::string(metrics::kTextContentType));
  return r;
}

SqsdCounters SqsdDaemon::counters() const {
  SqsdCounters c = counters_.snapshot();
  c.deleted = deletes_.deleted();
  c.delete_failed = deletes_.failed();
  c.deletes_waiting = deletes_.waiting();
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

bool SqsdDaemon::may_receive() const {
  return !worker_down_ && in_flight_ + reserved_ < config_.http_connections && !deletes_.behind();
}

void SqsdDaemon::probe_while_down(std::unique_lock<std::mutex>& lock) {
  if (probing_ || receiving_ > 0) {
    // Another receiver probes, or a receive is still in flight: what it brings is held too.
    changed_.wait(lock, [this] { return stopping_ || !worker_down_ || (!probing_ && receiving_ == 0); });
    return;
  }
  probing_ = true;
  // Received messages would each burn a receive towards MaxRetries: probe instead. What the
  // failed POSTs and the last long polls brought is released now that no receive is in flight
  // (released earlier, a receive could have taken it again: two receives for one outage).
  std::vector<ReceivedMessage> held = std::exchange(held_while_down_, {});
  lock.unlock();
  for (const auto& message : held) release(message, 0, "the worker is down");
  const bool up = delivery_->worker_answers(cancel_receive_);
  lock.lock();
  if (!up) {
    changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    probing_ = false;
    return;
  }
  worker_down_ = false;
  probing_ = false;
  changed_.notify_all();
  spdlog::info("the worker at {} accepts connections again after {} s: receiving", delivery_->describe(),
               std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - down_since_).count());
  // POSTs that failed during the last probe: nothing receives them until they are released.
  held = std::exchange(held_while_down_, {});
  lock.unlock();
  for (const auto& message : held) release(message, 0, "the worker was down");
  lock.lock();
}

// One receiver: one ReceiveMessage in flight at a time. Several run side by side; each asks for
// at most the POST slots no one else holds, and holds them until its messages are handed out.
void SqsdDaemon::poll_until_stopped() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (worker_down_) {
      probe_while_down(lock);
      continue;
    }
    changed_.wait(lock, [&] { return stopping_ || worker_down_ || may_receive(); });
    if (stopping_ || worker_down_) continue;
    const int room = std::min(config_.http_connections - in_flight_ - reserved_, static_cast<int>(kMaxBatchEntries));
    // Held until each message is posted or handed back, so no other receiver counts its slot as
    // free; whatever is left is given back however this round ends.
    struct Reservation {
      SqsdDaemon& daemon;
      std::unique_lock<std::mutex>& lock;
      int slots;
      bool receiving = true;
      ~Reservation() {
        if (!lock.owns_lock()) lock.lock();
        daemon.reserved_ -= slots;
        if (receiving) --daemon.receiving_;
        daemon.changed_.notify_all();
      }
    } reservation{*this, lock, room};
    reserved_ += room;
    ++receiving_;
    lock.unlock();
    const auto asked = std::chrono::steady_clock::now();
    auto received = sqs_->receive_messages(
        config_.queue_url,
        ReceiveOptions{.max_messages = room, .wait_seconds = config_.wait_time,
                       .visibility_timeout = config_.visibility_timeout, .cancel = &cancel_receive_});
    const auto answered = std::chrono::steady_clock::now();
    lock.lock();
    --receiving_;
    reservation.receiving = false;
    changed_.notify_all();  // a prober may wait for the receives in flight
    if (!received && stopping_) break;  // the long poll given up at stop
    if (!received) {
      spdlog::warn("receive from {} failed: {}", config_.queue_url, received.error().describe());
      changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
      continue;
    }
    counters_.receive_latency.observe(std::chrono::duration<double>(answered - asked).count());
    last_receive_ = answered;
    // The slots no message came for are free again at once.
    const int unused = room - static_cast<int>(received->size());
    reserved_ -= unused;
    reservation.slots -= unused;
    if (unused > 0) changed_.notify_all();
    counters_.received += static_cast<long>(received->size());
    for (auto& message : *received) {
      // This message's slot: from here it is in flight, or handed back.
      --reserved_;
      --reservation.slots;
      if (stopping_) {
        lock.unlock();
        release(message, 0, "sqsd is stopping");
        lock.lock();
        continue;
      }
      if (worker_down_) {
        // Brought by a long poll that was under way when a POST found the worker down: a post
        // would only fail too. Held, and released with the rest before the first probe.
        spdlog::info("msgid={} received while the worker is down: not posted", message.message_id);
        held_while_down_.push_back(std::move(message));
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
      if (!config_.no_heartbeat) heartbeat_.watch(id, message.receipt_handle);  // from receipt: its visibility counts from there
      lock.unlock();
      post(id, std::make_shared<const ReceivedMessage>(std::move(message)));
      lock.lock();
    }
  }
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
  return std::min(seconds, kMaxVisibilitySeconds);
}

}  // namespace

void SqsdDaemon::post(long id, std::shared_ptr<const ReceivedMessage> message) {
  const auto started = std::chrono::steady_clock::now();
  auto built = build_worker_post(*message, config_, queue_name_);
  if (!built) {
    // Never posted: failed as a refused post is (logged, released for the error visibility
    // timeout), so the queue's redrive policy dead-letters it after its maxReceiveCount.
    heartbeat_.forget(id);
    handle_answer(*message, Unexpected{TransportError{built.error().message}}, started, "");
    post_ended();
    return;
  }
  std::string task = built->task_name;
  delivery_->deliver(std::move(built).value(), [this, id, message, started, task = std::move(task)](
                                                   Result<HttpReply, TransportError> reply) {
    if (reply && reply->status == 200) {
      heartbeat_.drop(id);  // to be deleted: an extension under way can only fail, not worth the wait
      handle_answer(*message, reply, started, task);
      post_ended();
      return;
    }
    // A failure may call SQS (a release): not on the loop that every other post shares, nor on
    // the job thread that answered. At most http_connections posts are in flight and the pool
    // has that many threads: it never refuses.
    const auto admission = answer_handlers_.try_submit(
        [this, id, message, started, task, reply = std::move(reply)] {
          heartbeat_.forget(id);  // before the release: no extension may hide the message again after it
          handle_answer(*message, reply, started, task);
        },
        [this] { post_ended(); });
    if (admission != BoundedPool::Admission::accepted) {
      spdlog::error("msgid={} found no free answer handler: released", message->message_id);
      heartbeat_.forget(id);
      release(*message, 0, "no answer handler was free");
      post_ended();
    }
  });
}

void SqsdDaemon::post_ended() {
  {
    std::lock_guard done(mutex_);
    --in_flight_;
  }
  changed_.notify_all();
}

void SqsdDaemon::handle_answer(const ReceivedMessage& message, const Result<HttpReply, TransportError>& reply,
                               std::chrono::steady_clock::time_point started, const std::string& task_name) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  const std::string what = task_name.empty() ? "" : " task=" + task_name;
  if (reply && reply->status == 200) {
    ++counters_.succeeded;
    log_event(spdlog::level::info, "deleting",
              {{"message_id", message.message_id}, {"task", task_name}, {"queue", queue_name_}, {"status", 200},
               {"duration_ms", ms}},
              "msgid={}{} status=200 duration_ms={}: deleting", message.message_id, what, ms);
    deletes_.add(message.message_id, message.receipt_handle);
    return;
  }
  ++counters_.failed;
  const std::string why = reply ? "status=" + std::to_string(reply->status) : "error=\"" + reply.error().message + "\"";
  // A failed post's status, or the transport error as the reason (json lines).
  const std::optional<int> status = reply ? std::optional<int>(reply->status) : std::nullopt;
  const std::string_view error = reply ? std::string_view() : std::string_view(reply.error().message);
  if (!reply && reply.error().not_connected) {
    // The worker is down (restarting, crashed): hand the message back at once and stop receiving
    // until it accepts connections again, rather than burn every queued message's retries.
    log_event(spdlog::level::warn, "released for when the worker is back",
              {{"message_id", message.message_id}, {"task", task_name}, {"queue", queue_name_}, {"status", status},
               {"reason", error}, {"duration_ms", ms}},
              "msgid={}{} {} duration_ms={}: released for when the worker is back", message.message_id, what, why, ms);
    std::lock_guard lock(mutex_);
    if (!worker_down_) {
      worker_down_ = true;
      down_since_ = std::chrono::steady_clock::now();
      spdlog::warn("the worker at {} accepts no connections ({}): receiving nothing until it does, "
                   "probing it each second", delivery_->describe(), reply.error().message);
    }
    // The poller releases it once no receive is in flight (or stop() does).
    held_while_down_.push_back(message);
    return;
  }
  const std::optional<int> asked = reply ? retry_after(*reply) : std::nullopt;
  const int visibility = asked.value_or(config_.error_visibility_timeout);
  const std::string retry = "retry in " + std::to_string(visibility) + " s" + (asked ? " (Retry-After)" : "");
  log_event(spdlog::level::warn, retry,
            {{"message_id", message.message_id}, {"task", task_name}, {"queue", queue_name_}, {"status", status},
             {"reason", error}, {"duration_ms", ms}},
            "msgid={}{} {} duration_ms={}: {}", message.message_id, what, why, ms, retry);
  release(message, visibility, why);
}

}  // namespace ebworker
