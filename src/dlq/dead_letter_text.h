#pragma once
// What `ebworker dlq ls` and `show` print of dead letters. Every field that came from the queue
// (the body's job class and id, attribute names and values, the body itself, the message id) is
// printed with its control characters escaped (core/text.h): a dead letter can neither move the
// terminal's cursor, retitle its window, clear it, nor break, hide or forge a row.

#include <string>
#include <string_view>

#include "dlq/dead_letter_summary.h"
#include "sqs/sqs_messages.h"

namespace ebworker {

// ls's first line: the column names, tab-separated, "\n" at the end.
std::string_view dead_letter_header_row();

// ls's line for one message: eight tab-separated fields ("-" for one unknown), "\n" at the end.
std::string dead_letter_row(const DeadLetterSummary& summary);

// show's lines for one message: its ids and signature, receive count, attributes (an SQS
// timestamp also as ISO 8601), message attributes (a Binary one as its size), then "body:" and
// the body, pretty-printed when it is JSON.
std::string dead_letter_details(const ReceivedMessage& message, const DeadLetterSummary& summary);

}  // namespace ebworker
