#pragma once
// The three message formats on the wire (docs/rails.md): ebworker's own envelope signed with
// HMAC-SHA256; a Rails job signed the way active_elastic_job signs (HMAC-SHA1, origin "AEJ");
// and a Rails job sent unsigned, as aws-sdk-rails and aws-activejob-sqs send it. Which one a
// received message is follows from its attributes alone (worker/incoming_format.h).

#include <string_view>

#include <ebworker/message_format.h>
#include <ebworker/result.h>

namespace ebworker {

// active_elastic_job's origin attribute value.
inline constexpr std::string_view kAejOriginValue = "AEJ";
// The attributes aws-activejob-sqs sends an (unsigned) job with.
inline constexpr std::string_view kActiveJobClassAttribute = "aws_sqs_active_job_class";
inline constexpr std::string_view kActiveJobVersionAttribute = "aws_sqs_active_job_version";
// What ebworker writes in the version attribute: who wrote the message (Rails reads neither).
inline constexpr std::string_view kActiveJobVersionValue = "ebworker";

// "ebworker", "active_elastic_job", "active_job".
std::string_view format_name(MessageFormat format);
Result<MessageFormat> parse_message_format(std::string_view name);

}  // namespace ebworker
