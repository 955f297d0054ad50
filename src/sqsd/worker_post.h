#pragma once
// The POST aws-sqsd makes for one SQS message (docs/wire-protocol.md, "The daemon's POST"), built
// from the message: the body as is, and the X-Aws-Sqsd-* headers. A periodic task's message (body
// "elasticbeanstalk scheduled job" with beanstalk.sqsd.* attributes) becomes an empty POST to the
// task's url with Taskname, Scheduled-At and Path headers.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.h"
#include "sqs/sqs_messages.h"
#include "sqsd/sqsd_config.h"

namespace ebworker {

inline constexpr std::string_view kScheduledJobBody = "elasticbeanstalk scheduled job";
inline constexpr std::string_view kTaskPathAttribute = "beanstalk.sqsd.path";
inline constexpr std::string_view kTaskNameAttribute = "beanstalk.sqsd.task_name";
inline constexpr std::string_view kTaskTimeAttribute = "beanstalk.sqsd.scheduled_time";
// What the daemon calls itself: aws-sqsd compatible, so workers that check the prefix accept it.
inline constexpr std::string_view kSqsdUserAgent = "aws-sqsd/3.0 (compatible; ebworker-sqsd)";

struct WorkerPost {
  HttpRequest request;
  std::string path;       // the request's path: what request.url names after the worker's origin
  std::string task_name;  // periodic tasks only
};

// Refused (no POST) when a message attribute's name is not one SQS allows (is_sqs_attribute_name):
// it would become a header name, and one holding a line break would add headers of its own. SQS
// never delivers such a name; a server that only looks like SQS may.
Result<WorkerPost> build_worker_post(const ReceivedMessage& message, const SqsdConfig& config,
                                     std::string_view queue_name);

// The same POST for a body no SQS message carries (`ebworker post`): as if received once, just
// now, under a fresh message id, with these message attributes (forwarded as above) and no
// Sender-Id; sent to `url` as it is (no X-Aws-Sqsd-Path), with the daemon's default timeouts and
// `user_agent` (SqsdOnly accepts "aws-sqsd…" and "sqsd…"). Refused as above.
Result<WorkerPost> build_direct_post(std::string body, std::vector<MessageAttribute> attributes,
                             std::string_view queue_name, std::string url, std::string_view user_agent);

// SQS's epoch-milliseconds attribute as "2023-08-15T13:57:53Z", or "" when absent or malformed.
std::string iso_from_epoch_ms(std::string_view epoch_ms);

}  // namespace ebworker
