#pragma once
// A ReceiveMessage answer in SQS's JSON shape, for a FakeHttpServer playing SQS (a look-alike
// server may deliver what SQS never would: any bytes in any field). The MD5s are computed from the
// messages, so the client takes them as they are.

#include <string>
#include <vector>

#include "sqs/sqs_messages.h"

namespace ebworker::testing {

// {"Messages":[…]}: each message's id, receipt handle, body, system attributes ("Attributes") and
// String or Number message attributes, with MD5OfBody and MD5OfMessageAttributes.
std::string receive_message_answer(const std::vector<ReceivedMessage>& messages);

}  // namespace ebworker::testing
