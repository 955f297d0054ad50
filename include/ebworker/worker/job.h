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

#include <optional>
#include <stop_token>
#include <string>

#include <ebworker/worker/job_log.h>
#include <ebworker/worker/job_result.h>
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
