#pragma once
// AwsErrors made from what a service answered over the JSON protocol, or before asking it.

#include <string>
#include <string_view>

#include <ebworker/client/sqs_error.h>
#include <ebworker/worker/headers.h>

namespace ebworker {

AwsError invalid_request(std::string message);

// An HTTP answer other than 200, classified from its status, body ({"__type", "message"}) and
// headers (x-amzn-query-error, x-amzn-RequestId).
AwsError aws_error_from_reply(long status, const Headers& headers, std::string_view body);

// True for the codes AWS services and SDKs use for throttling, whichever service sends them.
bool is_throttling_code(std::string_view code);

}  // namespace ebworker
