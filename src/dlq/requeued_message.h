#pragma once
// A dead-lettered message as `ebworker dlq requeue` sends it back to the worker queue:
//   - the body byte for byte, so its message-digest still verifies;
//   - its message attributes as they are, except ebworker-failure and ebworker-attempts: they
//     record the failure it leaves behind, and a worker sees a fresh message (a retry policy
//     counts attempts from the envelope's `executions`, which is unchanged);
//   - none of SQS's system attributes (SentTimestamp, ApproximateReceiveCount, AWSTraceHeader…):
//     SQS sets them anew;
//   - to a FIFO queue: its MessageGroupId (else "ebworker-requeued"), and a deduplication id
//     made of its message id, so requeuing the same message twice within SQS's five minutes
//     sends it once.

#include "sqs/sqs_messages.h"

namespace ebworker {

OutgoingMessage requeued_message(const ReceivedMessage& dead, bool fifo_target);

}  // namespace ebworker
