#pragma once
// `--create-queues`, for local use: the worker queue and its dead-letter queue, with a redrive
// policy that moves a message there after MaxRetries receives. Existing queues are kept.

#include <string>

#include "sqs/sqs_client.h"

namespace ebworker {

struct CreatedQueues {
  std::string queue_url;
  std::string dead_letter_queue_url;
};

// The dead-letter queue is named after the queue: "jobs" → "jobs-dead-letters"
// ("jobs.fifo" → "jobs-dead-letters.fifo").
std::string dead_letter_queue_name(std::string_view queue_name);

Result<CreatedQueues> create_queues(const SqsClient& sqs, std::string_view queue_name, int max_receive_count);

}  // namespace ebworker
