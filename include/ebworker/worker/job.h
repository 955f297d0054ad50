#pragma once
// A job: a class with a name and a perform(). Write one, register it in main, and aws-sqsd's
// messages naming it run it:
//
//   class ResizeImageJob : public ebworker::Job {
//    public:
//     static constexpr std::string_view name = "ResizeImageJob";
//     ebworker::JobResult perform(const rapidjson::Value& arguments,
//                                 ebworker::JobContext& context) override;
//   };
//
//   ebworker::JobResult ResizeImageJob::perform(const rapidjson::Value& arguments,
//                                               ebworker::JobContext& context) {
//     if (!arguments.IsArray() || arguments.Empty()) return ebworker::fail("no image given");
//     ...
//     return ebworker::done();
//   }
//
// A fresh instance runs each message, so a job may keep per-run state in members.

#include <rapidjson/document.h>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include <ebworker/worker/job_log.h>
#include <ebworker/worker/job_result.h>
#include <ebworker/worker/job_steps.h>
#include <ebworker/result.h>

namespace ebworker {

// Where a run came from: the aws-sqsd headers of the message, and for periodic tasks the task.
struct JobContext {
  std::string message_id;
  std::string job_id;  // the envelope's job_id; empty for periodic tasks
  int receive_count = 0;
  int attempt = 1;  // 1 for the first run; counts the retries its class's policy sent (hops)
  std::string first_received_at;
  std::string queue_name;
  std::optional<std::string> task_name;     // periodic tasks only
  std::optional<std::string> scheduled_at;  // periodic tasks only
  JobLog log;
  // A Rails job's arguments as Rails sent them, in ActiveJob's _aj_* forms (docs/rails.md);
  // perform() gets them decoded to plain JSON. Null for ebworker's own messages and for
  // periodic tasks. Valid during perform().
  const rapidjson::Value* active_job_arguments = nullptr;
  // Requested when the worker shuts down (SIGTERM) and when the run passes its class's time
  // limit. A long job should watch it and return early (fail, or retry_in): it then gets no 200
  // and its message comes back, instead of being cut off when the shutdown timeout ends.
  std::stop_token stop{};

  // Continuable jobs (job_steps.h). `budget` is how long this run may go before it hands the
  // rest on at a step boundary (EBWORKER_JOB_TIME_BUDGET), counted from `started`; zero when the
  // run cannot hand on (no EBWORKER_QUEUE_URL to send to, or a periodic task): it then stops
  // early only when asked to (`stop`), and gets no 200.
  std::chrono::seconds budget{0};
  std::chrono::steady_clock::time_point started{};
  int resumptions = 0;  // how many runs of this job handed on before this one
  Continuation continuation{};

  bool budget_spent() const;
  // At a boundary: stop asked for, or the budget spent.
  bool should_stop() const;

  // A step run once: body().
  template <std::invocable<> Body>
  void step(std::string_view name, Body&& body) {
    if (std::optional<Step> s = begin_step(name)) {
      std::forward<Body>(body)();
      end_step();
    }
  }
  // A step with a cursor of its own: body(step), which sets it (Step::advance).
  template <std::invocable<Step&> Body>
  void step(std::string_view name, Body&& body) {
    if (std::optional<Step> s = begin_step(name)) {
      std::forward<Body>(body)(*s);
      end_step();
    }
  }
  // A step over the indices [from, to): each(i), in order; the cursor is the next index.
  template <std::invocable<std::int64_t> Each>
  void step(std::string_view name, std::int64_t from, std::int64_t to, Each&& each) {
    if (std::optional<Step> s = begin_step(name)) {
      for (std::int64_t i = s->cursor().IsInt64() ? s->cursor().GetInt64() : from; i < to; ++i) {
        each(i);
        s->set_cursor(i + 1);
        if (i + 1 < to) s->checkpoint();
      }
      end_step();
    }
  }

 private:
  // A boundary, then the step: nullopt when an earlier run completed it.
  std::optional<Step> begin_step(std::string_view name);
  void end_step();
};


class Job {
 public:
  virtual ~Job() = default;
  // `arguments` is the envelope's JSON array (empty for periodic tasks). Return done(),
  // fail("why") (or throw), retry_in(delay, "why") or discard("why") (job_result.h says what
  // each does to the message); the reason is logged.
  virtual JobResult perform(const rapidjson::Value& arguments, JobContext& context) = 0;
};

}  // namespace ebworker
