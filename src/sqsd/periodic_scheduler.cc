#include "sqsd/periodic_scheduler.h"

#include <spdlog/spdlog.h>

#include "core/iso_time.h"
#include "sqsd/worker_post.h"

namespace ebworker {

PeriodicScheduler::PeriodicScheduler(std::vector<CronTask> tasks, Send send, Clock clock)
    : tasks_(std::move(tasks)), send_(std::move(send)), clock_(std::move(clock)), checked_until_(clock_()) {}

PeriodicScheduler::~PeriodicScheduler() { stop(); }

PeriodicScheduler::Time PeriodicScheduler::system_clock_now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Status PeriodicScheduler::send_guarded(const CronTask& task, Time scheduled) {
  // One task's failure, even a throw, must not keep the others from being sent.
  try {
    return send_(task, scheduled);
  } catch (const std::exception& e) {
    return fail(std::string("threw: ") + e.what());
  } catch (...) {
    return fail("threw a non-standard exception");
  }
}

std::optional<PeriodicScheduler::Time> PeriodicScheduler::tick() {
  const Time now = clock_();
  std::optional<Time> next_due;
  for (const auto& task : tasks_) {
    std::optional<Time> latest_due;
    std::optional<Time> t = task.schedule.next_after(checked_until_);
    // Bounded: a clock jump of years would otherwise walk every minute in between.
    for (int i = 0; t && *t <= now && i < 100000; ++i) {
      latest_due = t;
      t = task.schedule.next_after(*t);
    }
    if (latest_due) {
      if (auto sent = send_guarded(task, *latest_due); !sent)
        spdlog::error("periodic task {} due {}: could not send: {}", task.name,
                      iso8601_utc_seconds(*latest_due), sent.error().message);
      else
        spdlog::info("periodic task {} due {}: sent", task.name, iso8601_utc_seconds(*latest_due));
    }
    if (t && (!next_due || *t < *next_due)) next_due = t;
  }
  if (now > checked_until_) checked_until_ = now;
  return next_due;
}

void PeriodicScheduler::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      std::optional<Time> next;
      try {
        next = tick();
      } catch (const std::exception& e) {
        // Keep scheduling: log why, and look again in a minute (the schedule's resolution).
        spdlog::error("periodic tasks: a tick failed: {}", e.what());
        next = clock_() + std::chrono::minutes(1);
      }
      lock.lock();
      if (!next) {
        wake_.wait(lock, [this] { return stopping_; });
        break;
      }
      // Sleep by the system clock until the next due time, waking early on stop().
      wake_.wait_until(lock, std::chrono::system_clock::time_point(*next), [this] { return stopping_; });
    }
  });
}

void PeriodicScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

OutgoingMessage scheduled_job_message(const CronTask& task, PeriodicScheduler::Time scheduled) {
  std::string when = iso8601_utc_seconds(scheduled);  // 2017-03-22T23:10:00Z
  when = when.substr(0, 10) + " " + when.substr(11, 8) + " UTC";  // 2017-03-22 23:10:00 UTC
  OutgoingMessage message;
  message.body = std::string(kScheduledJobBody);
  message.attributes = {
      {std::string(kTaskPathAttribute), "String", task.url},
      {std::string(kTaskNameAttribute), "String", task.name},
      {std::string(kTaskTimeAttribute), "String", when},
  };
  return message;
}

}  // namespace ebworker
