#include "sqsd/periodic_scheduler.h"

#include <spdlog/spdlog.h>

#include "core/iso_time.h"
#include "sqsd/worker_post.h"

namespace ebworker {

PeriodicScheduler::PeriodicScheduler(std::vector<CronTask> tasks, Send send, Clock clock)
    : PeriodicScheduler(std::move(tasks), std::move(send), std::move(clock), Options{}) {}

PeriodicScheduler::PeriodicScheduler(std::vector<CronTask> tasks, Send send, Clock clock, Options options)
    : tasks_(std::move(tasks)),
      send_(std::move(send)),
      clock_(std::move(clock)),
      options_(std::move(options)),
      checked_until_(clock_() - options_.catch_up) {}

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

std::vector<PeriodicScheduler::Time> PeriodicScheduler::runs_to_send(const CronTask& task, Time now,
                                                                    std::optional<Time>& next) const {
  // Every due time inside the catch-up window [now - catch_up, now] is sent (each is claimed,
  // so one already sent elsewhere is not sent again); of those before it only the latest, and
  // only when the window has none: the rule for a clock jump.
  const Time window_start = now - options_.catch_up;
  std::vector<Time> in_window;
  std::optional<Time> latest_before;
  std::optional<Time> t = task.schedule.next_after(checked_until_);
  // Bounded: a clock jump of years would otherwise walk every minute in between.
  for (int i = 0; t && *t <= now && i < 100000; ++i) {
    if (*t >= window_start && in_window.size() < 1000)
      in_window.push_back(*t);
    else if (*t < window_start)
      latest_before = t;
    t = task.schedule.next_after(*t);
  }
  next = t;
  if (in_window.empty() && latest_before) in_window.push_back(*latest_before);
  return in_window;
}

void PeriodicScheduler::send_run(const CronTask& task, Time scheduled) {
  const std::string when = iso8601_utc_seconds(scheduled);
  std::optional<RunClaim> claim;
  if (options_.claim) {
    Result<std::optional<RunClaim>> claimed = fail("threw");
    try {
      claimed = options_.claim(task, scheduled);
    } catch (const std::exception& e) {
      claimed = fail(std::string("threw: ") + e.what());
    }
    if (!claimed) {
      // Unclaimed is unsent: sending it could send it twice.
      spdlog::error("periodic task {} due {}: could not claim the run, not sent: {}", task.name, when,
                    claimed.error().message);
      return;
    }
    if (!*claimed) {
      spdlog::info("periodic task {} due {}: claimed by another daemon, not sent", task.name, when);
      return;
    }
    claim = std::move(*claimed);
  }
  if (auto sent = send_guarded(task, scheduled); !sent) {
    spdlog::error("periodic task {} due {}: could not send: {}", task.name, when, sent.error().message);
    if (claim && claim->give_back) {
      // Given back, the run can be sent by whoever leads at the next tick that still covers it.
      if (auto back = claim->give_back(); !back)
        spdlog::error("periodic task {} due {}: could not give back its claim ({}): the run is lost", task.name,
                      when, back.error().message);
    }
    return;
  }
  spdlog::info("periodic task {} due {}: sent", task.name, when);
}

std::optional<PeriodicScheduler::Time> PeriodicScheduler::tick() {
  const Time now = clock_();
  std::optional<Time> next_due;
  const bool may_send = !options_.may_send || options_.may_send();
  for (const auto& task : tasks_) {
    std::optional<Time> next;
    std::vector<Time> runs = runs_to_send(task, now, next);
    if (may_send)
      for (const Time scheduled : runs) {
        // A lease lost while sending stops the rest at once.
        if (options_.may_send && !options_.may_send()) break;
        send_run(task, scheduled);
      }
    if (next && (!next_due || *next < *next_due)) next_due = next;
  }
  // Not sending: the catch-up window stays open for when this scheduler may send again.
  const Time checked = may_send ? now : now - options_.catch_up;
  if (checked > checked_until_) checked_until_ = checked;
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
      // Sleep by the system clock until the next due time, waking early on stop() or wake().
      wake_.wait_until(lock, std::chrono::system_clock::time_point(*next), [this] { return stopping_ || woken_; });
      woken_ = false;
    }
  });
}

void PeriodicScheduler::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
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
