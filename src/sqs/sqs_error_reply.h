#pragma once
// SqsErrors made from what SQS answered.

#include <string>
#include <string_view>

#include <ebworker/worker/headers.h>
#include <ebworker/client/sqs_error.h>

namespace ebworker {

SqsError invalid_request(std::string message);

// An HTTP answer other than 200, classified from its status, body ({"__type", "message"}) and
// x-amzn-query-error header.
SqsError sqs_error_from_reply(long status, const Headers& headers, std::string_view body);

// A failed entry of a batch answer (HTTP 200 with {"Id", "SenderFault", "Code", "Message"}).
SqsError sqs_error_from_batch_entry(bool sender_fault, std::string code, std::string message);

// True for the codes SQS and the AWS SDKs use for throttling.
bool is_throttling_code(std::string_view code);

}  // namespace ebworker
