#pragma once
// The message body every ebworker job travels in. It borrows ActiveJob's key names, but it is
// not what a Rails app reads or writes (its arguments are plain JSON, its signature SHA-256):
// ActiveJob's own messages are active_job_body.h's.
//   {"job_class":"EchoJob","job_id":"<uuid>","queue_name":"default","arguments":[...],
//    "executions":0,"enqueued_at":"2026-11-23T10:31:40.123Z"}
// and, for a job due later than SQS can delay a message (15 minutes), when it is due:
//    "scheduled_at":"2026-11-23T12:00:00.000Z" (as ActiveJob writes it); a worker receiving it
//    earlier sends it on again with the time left (retry_hops.h), without running it;
// and, for a continuable job handed on (include/ebworker/worker/job_steps.h), where its steps stand:
//    "continuation":{"completed":["download"],"current":["rows",57]},"resumptions":3
// and, for a unique job (EnqueueOptions::unique_key), its key and window in seconds, by which a
// worker skips a duplicate whose key's run completed within the window:
//    "unique":{"key":"import-42","for":3600}
// and, for a debounced job (EnqueueOptions::debounce_key), its key and window, by which a worker
// skips it unless it is the key's last enqueue:
//    "debounce":{"key":"reindex-7","for":30}
// Unknown fields are ignored; everything else is checked strictly.

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <ebworker/result.h>

#include "envelope/message_format.h"

namespace ebworker {

// The most `executions` a message may carry: far more than any job retries, far below where a
// count overflows. A message over it is refused as malformed.
inline constexpr std::int64_t kMaxExecutions = 1'000'000'000;
// A unique or debounced job's longest window (a year) and longest key (it becomes part of a
// DynamoDB key).
inline constexpr std::int64_t kMaxUniqueFor = 366LL * 24 * 3600;
inline constexpr std::size_t kMaxUniqueKey = 512;

struct Envelope {
  std::string job_class;
  std::string job_id;
  std::string queue_name;
  rapidjson::Document arguments{rapidjson::kArrayType};  // always a JSON array
  std::int64_t executions = 0;
  std::string enqueued_at;
  std::optional<std::chrono::sys_seconds> scheduled_at;  // when due, if later than the send
  // What it came in as. An ActiveJob message (active_job_body.h) keeps its body as received,
  // arguments in ActiveJob's forms: what a job can read the original from, and what its hops
  // are written from, so that they stay readable to a Rails worker on the same queue.
  MessageFormat format = MessageFormat::ebworker;
  std::shared_ptr<const rapidjson::Document> active_job_body{};
  // A continuable job's progress, checked by check_continuation: null in a first run.
  rapidjson::Document continuation{};
  std::int64_t resumptions = 0;  // runs that handed on before this message
  std::string unique_key{};      // empty: not a unique job
  std::int64_t unique_for = 0;   // seconds, 1 to kMaxUniqueFor with a key
  std::string debounce_key{};    // empty: not a debounced job
  std::int64_t debounce_for = 0;  // seconds, as unique_for

  // A fresh envelope: new job id, enqueued now. `arguments_json` must be a JSON array.
  static Result<Envelope> make(std::string job_class, std::string_view arguments_json,
                               std::string queue_name = "default");

  // Strict parse of a message body; the error names what is wrong.
  static Result<Envelope> parse(std::string_view body);

  std::string to_json() const;
  std::string arguments_json() const;
};

// A "continuation" field's shape: an object whose "completed" (if any) is an array of non-empty
// strings and whose "current" (if any, or null) is [step name, cursor]; other keys are ignored.
Status check_continuation(const rapidjson::Value& continuation);

// Reads the optional "continuation" and "resumptions" fields of a body's root into `e`.
Status read_continuation_fields(const rapidjson::Value& root, Envelope& e);

// Parses `json` as one JSON array (nothing after it), the form job arguments take.
Result<rapidjson::Document> parse_json_array(std::string_view json);

}  // namespace ebworker
