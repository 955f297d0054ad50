#pragma once
// What SQS would refuse, found before sending, each with an error that says what to change
// (docs/wire-protocol.md, "SQS"): size, delay, characters, FIFO rules.

#include <cstddef>
#include <string_view>

#include <ebworker/client/client_config.h>

#include "sqs/sqs_messages.h"

namespace ebworker {

inline constexpr std::size_t kMaxMessageAttributes = 10;
inline constexpr std::size_t kMaxFifoIdLength = 128;
inline constexpr std::size_t kMaxAttributeNameLength = 256;

struct MessageLimits {
  std::size_t max_bytes = kDefaultMaxMessageBytes;  // body plus attributes
};

// Body bytes plus, for each attribute, its name, data type and value: what SQS counts.
std::size_t message_size(const OutgoingMessage& message);

// Byte offset of the first character SQS refuses (bad UTF-8, or outside #x9 #xA #xD
// #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF), or npos when every character is allowed.
std::size_t find_refused_character(std::string_view text);

// SQS's rule for a message attribute's name: 1 to 256 ASCII letters, digits, '_', '-' and '.',
// neither starting nor ending with '.', no "..". (The reserved "AWS." and "Amazon." prefixes
// are SQS's own business: not checked.)
bool is_sqs_attribute_name(std::string_view name);

Result<void, SqsError> check_outgoing_message(const OutgoingMessage& message, bool fifo_queue,
                                              const MessageLimits& limits = {});

}  // namespace ebworker
