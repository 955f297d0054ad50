#pragma once

#include <chrono>
#include <string>

#include <ebworker/worker/job.h>

// Ends the way its arguments say, so a test sees what each result kind does to a message:
// ["done"], ["fail", REASON], ["discard", REASON], ["retry", SECONDS], and
// ["retry_once", SECONDS]: retry_in on its first attempt, done on the next (logged with its job id).
class OutcomeJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "OutcomeJob";
  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override {
    if (!arguments.IsArray() || arguments.Empty() || !arguments[0].IsString())
      return ebworker::discard("arguments must be [KIND, ...]");
    const std::string kind = arguments[0].GetString();
    const bool has_text = arguments.Size() > 1 && arguments[1].IsString();
    const std::string text = has_text ? arguments[1].GetString() : "";
    if (kind == "done") return ebworker::done();
    if (kind == "fail") return ebworker::fail(text);
    if (kind == "discard") return ebworker::discard(text);
    if (kind == "retry" && arguments.Size() > 1 && arguments[1].IsInt())
      return ebworker::retry_in(std::chrono::seconds(arguments[1].GetInt()), "asked to");
    if (kind == "retry_once" && arguments.Size() > 1 && arguments[1].IsInt()) {
      context.log.info("retry_once: attempt {} of job {}", context.attempt, context.job_id);
      if (context.attempt == 1) return ebworker::retry_in(std::chrono::seconds(arguments[1].GetInt()), "once");
      return ebworker::done();
    }
    return ebworker::discard("unknown kind " + kind);
  }
};
