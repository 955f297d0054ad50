#pragma once
// The messages the SQS client sends and gets back, as plain values.

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ebworker/result.h>

#include "aws/aws_error.h"
#include "sqs/message_md5.h"

namespace ebworker {

struct OutgoingMessage {
  std::string body{};
  std::vector<MessageAttribute> attributes{};  // String, Number or Binary (raw bytes)
  std::optional<int> delay_seconds{};          // standard queues only
  std::string group_id{};                      // MessageGroupId (FIFO)
  std::string deduplication_id{};              // MessageDeduplicationId (FIFO)
};

// SQS's answer to a send, once its MD5s matched what was sent.
struct SentMessage {
  std::string message_id;
  std::string sequence_number;  // FIFO queues only
};

struct ReceivedMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  // System attributes: SentTimestamp, ApproximateReceiveCount, SenderId, MessageGroupId, …
  std::map<std::string, std::string> attributes;
  std::vector<MessageAttribute> message_attributes;
  std::string md5_of_body;                // as SQS gave them; checked on receipt
  std::string md5_of_message_attributes;  // empty when there are no message attributes

  // The message attribute called `name`, or nullptr.
  const MessageAttribute* attribute(std::string_view name) const {
    for (const auto& a : message_attributes)
      if (a.name == name) return &a;
    return nullptr;
  }
};

struct ReceiveOptions {
  int max_messages = 10;                    // 1–10
  int wait_seconds = 0;                     // long poll, 0–20
  std::optional<int> visibility_timeout{};  // seconds; the queue's own when absent
  // Once true, a long poll that has no answer yet gives up (within a second), and no retry
  // follows: a stopping daemon need not wait out its 20 s poll. An answer already arriving is
  // read whole, so no received message is dropped on the way in.
  const std::atomic<bool>* cancel = nullptr;
};

}  // namespace ebworker
