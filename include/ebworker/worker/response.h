#pragma once

#include <string>

#include <ebworker/worker/headers.h>

namespace ebworker {

// What the daemon reads of an answer is the status: 200 deletes the message, anything else
// leaves it for a retry and, after MaxRetries, the dead-letter queue.
struct Response {
  int status = 200;
  std::string body;
  // Why this status: goes into the request's log line. Never holds a secret.
  std::string reason;
  Headers headers;
  // The job that answered (empty when no job was named): goes into the request's log line.
  std::string job{};
  // The job's id from its envelope (empty for periodic tasks and bad bodies): for the log line.
  std::string job_id{};

  static Response ok(std::string body = "OK\n") { return {200, std::move(body), "", {}, ""}; }
  // A refusal whose body states the reason, so a person with curl sees it too.
  static Response refuse(int status, std::string reason) {
    std::string body = reason + "\n";
    return {status, std::move(body), std::move(reason), {}, ""};
  }
};

}  // namespace ebworker
