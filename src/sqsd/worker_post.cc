#include "sqsd/worker_post.h"

#include <charconv>

#include <ebworker/worker/request.h>

#include "core/iso_time.h"
#include "core/text.h"
#include "envelope/uuid.h"
#include "sqs/message_checks.h"

namespace ebworker {

namespace {

std::string_view attribute_or(const std::map<std::string, std::string>& attributes, const char* name) {
  const auto it = attributes.find(name);
  return it == attributes.end() ? std::string_view() : std::string_view(it->second);
}

// A header value must not break the header block: CR and LF would let a message inject headers.
bool safe_header_value(std::string_view v) { return v.find_first_of("\r\n") == std::string_view::npos; }

// "2017-03-22 23:10:00 UTC" (as the cron leader writes it) → "2017-03-22T23:10:00Z".
std::string iso_from_scheduled_time(std::string_view text) {
  if (text.size() == 23 && text[10] == ' ' && text.substr(19) == " UTC") {
    std::string iso(text.substr(0, 19));
    iso[10] = 'T';
    iso += 'Z';
    if (is_iso8601_utc(iso)) return iso;
  }
  return std::string(text);
}

}  // namespace

std::string iso_from_epoch_ms(std::string_view epoch_ms) {
  long long ms = 0;
  const auto [end, ec] = std::from_chars(epoch_ms.data(), epoch_ms.data() + epoch_ms.size(), ms);
  if (ec != std::errc() || end != epoch_ms.data() + epoch_ms.size() || ms < 0) return {};
  return iso8601_utc_seconds(std::chrono::sys_seconds(std::chrono::seconds(ms / 1000)));
}

namespace {

// Both POSTs: the daemon's for a received message, and `ebworker post`'s (build_direct_post).
Result<WorkerPost> build_post(const ReceivedMessage& message, const SqsdConfig& config, std::string_view queue_name,
                              std::string_view user_agent) {
  for (const auto& a : message.message_attributes)
    if (!is_sqs_attribute_name(a.name))
      return fail("message attribute name \"" + escape_control_characters(a.name.substr(0, 80)) +
                  (a.name.size() > 80 ? "…" : "") + "\" is not one SQS allows: not posted");
  WorkerPost post;
  HttpRequest& r = post.request;
  r.method = "POST";
  r.connect_timeout = std::chrono::seconds(config.connect_timeout);
  r.timeout = std::chrono::seconds(config.inactivity_timeout);
  // Only the status matters; a worker's long answer must neither fill memory nor fail a 200.
  r.max_reply_body = 64 * 1024;
  r.oversize = HttpRequest::Oversize::truncate;

  std::string path = config.http_path;
  const MessageAttribute* task = message.attribute(kTaskNameAttribute);
  const MessageAttribute* task_path = message.attribute(kTaskPathAttribute);
  const bool periodic = message.body == kScheduledJobBody && task && task_path &&
                        !task_path->value.empty() && task_path->value[0] == '/';
  auto header = [&](std::string_view name, std::string_view value) {
    if (!value.empty() && safe_header_value(value)) r.headers.push_back(std::string(name) + ": " + std::string(value));
  };

  header("Content-Type", config.mime_type);
  header("User-Agent", user_agent);
  header(sqsd_header::kMessageId, message.message_id);
  header(sqsd_header::kQueue, queue_name);
  header(sqsd_header::kFirstReceivedAt,
         iso_from_epoch_ms(attribute_or(message.attributes, "ApproximateFirstReceiveTimestamp")));
  header("X-Aws-Sqsd-Sent-At", iso_from_epoch_ms(attribute_or(message.attributes, "SentTimestamp")));
  header(sqsd_header::kReceiveCount, attribute_or(message.attributes, "ApproximateReceiveCount"));
  header("X-Aws-Sqsd-Sender-Id", attribute_or(message.attributes, "SenderId"));

  if (periodic) {
    path = task_path->value;
    post.task_name = task->value;
    header(sqsd_header::kTaskName, task->value);
    if (const MessageAttribute* at = message.attribute(kTaskTimeAttribute))
      header(sqsd_header::kScheduledAt, iso_from_scheduled_time(at->value));
  } else {
    r.body = message.body;
    // String and Number attributes only; Binary ones and the daemon's own are not forwarded.
    for (const auto& a : message.message_attributes) {
      const bool textual = a.data_type.rfind("String", 0) == 0 || a.data_type.rfind("Number", 0) == 0;
      if (textual && a.name.rfind("beanstalk.sqsd.", 0) != 0)
        header(std::string(sqsd_header::kAttributePrefix) + a.name, a.value);
    }
  }
  header("X-Aws-Sqsd-Path", path);
  r.url = config.worker_url + path;
  post.path = path;
  return post;
}

}  // namespace

Result<WorkerPost> build_worker_post(const ReceivedMessage& message, const SqsdConfig& config,
                                     std::string_view queue_name) {
  return build_post(message, config, queue_name, kSqsdUserAgent);
}

Result<WorkerPost> build_direct_post(std::string body, std::vector<MessageAttribute> attributes,
                                     std::string_view queue_name, std::string url, std::string_view user_agent) {
  using namespace std::chrono;
  const std::string now = std::to_string(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  ReceivedMessage message;
  message.message_id = uuid_v4();
  message.body = std::move(body);
  message.attributes = {{"ApproximateFirstReceiveTimestamp", now}, {"SentTimestamp", now}, {"ApproximateReceiveCount", "1"}};
  message.message_attributes = std::move(attributes);
  SqsdConfig config;
  config.worker_url = std::move(url);
  config.http_path.clear();  // the URL is whole, and no Path header names a part of it
  return build_post(message, config, queue_name, user_agent);
}

}  // namespace ebworker
