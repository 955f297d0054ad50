#include "sqs/message_checks.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/limits.h"
#include "core/text.h"

namespace ebworker {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool allowed(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

// Decodes one UTF-8 sequence at `i`; false for anything malformed (overlong forms, surrogates,
// truncation, code points past U+10FFFF).
bool decode(std::string_view s, std::size_t& i, std::uint32_t& c) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  std::size_t length;
  std::uint32_t minimum;
  if (b0 < 0x80) {
    c = b0;
    ++i;
    return true;
  } else if ((b0 & 0xE0) == 0xC0) {
    length = 2, c = b0 & 0x1F, minimum = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, c = b0 & 0x0F, minimum = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, c = b0 & 0x07, minimum = 0x10000;
  } else {
    return false;
  }
  if (i + length > s.size()) return false;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return false;
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  if (c < minimum || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
  i += length;
  return true;
}

std::string describe_refused(std::string_view text, std::size_t at) {
  std::size_t i = at;
  std::uint32_t c = 0;
  char buf[64];
  if (decode(text, i, c))
    std::snprintf(buf, sizeof buf, "U+%04X at byte %zu", static_cast<unsigned>(c), at);
  else
    std::snprintf(buf, sizeof buf, "invalid UTF-8 at byte %zu", at);
  return buf;
}

Result<void, SqsError> check_text(std::string_view what, std::string_view text) {
  const auto at = find_refused_character(text);
  if (at == npos) return {};
  return Unexpected{invalid_request(std::string(what) + " has a character SQS refuses (" +
                                    describe_refused(text, at) +
                                    "); allowed: tab, newline, carriage return and Unicode from "
                                    "U+0020 except surrogates, U+FFFE and U+FFFF")};
}

// MessageGroupId and MessageDeduplicationId: 1 to 128 printable ASCII characters.
Result<void, SqsError> check_fifo_id(std::string_view what, std::string_view id) {
  if (id.size() > kMaxFifoIdLength)
    return Unexpected{invalid_request(std::string(what) + " is " + std::to_string(id.size()) +
                                      " characters; SQS takes at most " + std::to_string(kMaxFifoIdLength))};
  for (char ch : id)
    if (ch < 0x21 || ch > 0x7E)
      return Unexpected{invalid_request(std::string(what) + " \"" + std::string(id) +
                                        "\" may hold only letters, digits and punctuation "
                                        "(printable ASCII without spaces)")};
  return {};
}

}  // namespace

std::size_t message_size(const OutgoingMessage& message) {
  std::size_t n = message.body.size();
  for (const auto& a : message.attributes) n += a.name.size() + a.data_type.size() + a.value.size();
  return n;
}

std::size_t find_refused_character(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    std::uint32_t c = 0;
    if (!decode(text, i, c) || !allowed(c)) return start;
  }
  return npos;
}

bool is_sqs_attribute_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxAttributeNameLength || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

Result<void, SqsError> check_outgoing_message(const OutgoingMessage& message, bool fifo_queue,
                                              const MessageLimits& limits) {
  if (message.body.empty()) return Unexpected{invalid_request("the message body is empty; SQS needs at least one character")};
  if (auto st = check_text("the message body", message.body); !st) return st;

  if (message.attributes.size() > kMaxMessageAttributes)
    return Unexpected{invalid_request("the message has " + std::to_string(message.attributes.size()) +
                                      " attributes; SQS takes at most " + std::to_string(kMaxMessageAttributes))};
  for (const auto& a : message.attributes) {
    if (a.name.empty() || a.name.size() > kMaxAttributeNameLength)
      return Unexpected{invalid_request("a message attribute name must be 1 to " +
                                        std::to_string(kMaxAttributeNameLength) + " characters")};
    if (!is_sqs_attribute_name(a.name))
      return Unexpected{invalid_request("message attribute name \"" + escape_control_characters(a.name) +
                                        "\" is not one SQS takes: letters, digits, '_', '-' and '.', "
                                        "neither first nor last a '.', no \"..\"")};
    const std::string_view type = a.data_type;
    const bool binary = type.rfind("Binary", 0) == 0;
    if (!binary && type.rfind("String", 0) != 0 && type.rfind("Number", 0) != 0)
      return Unexpected{invalid_request("message attribute \"" + a.name + "\" has data type \"" +
                                        a.data_type + "\"; it must be String, Number or Binary")};
    if (a.value.empty())
      return Unexpected{invalid_request("message attribute \"" + a.name + "\" has an empty value")};
    if (auto st = check_text("message attribute name \"" + a.name + "\"", a.name); !st) return st;
    if (!binary)
      if (auto st = check_text("message attribute \"" + a.name + "\"", a.value); !st) return st;
  }

  if (const auto size = message_size(message); size > limits.max_bytes)
    return Unexpected{invalid_request(
        "the message is " + std::to_string(size) + " bytes (body " + std::to_string(message.body.size()) +
        " + attributes " + std::to_string(size - message.body.size()) + "), over the limit of " +
        std::to_string(limits.max_bytes) + " bytes (EBWORKER_MAX_MESSAGE_BYTES); pass a reference "
        "to the data (an S3 key, a database id) instead of the data")};

  if (message.delay_seconds) {
    const int delay = *message.delay_seconds;
    if (fifo_queue && delay != 0)
      return Unexpected{invalid_request(
          "a FIFO queue takes no per-message delay; set the queue's DelaySeconds attribute instead")};
    if (delay < 0)
      return Unexpected{invalid_request("delay " + std::to_string(delay) + " s is negative")};
    if (delay > kMaxDelaySeconds)
      return Unexpected{invalid_request(
          "delay " + std::to_string(delay) + " s is over SQS's maximum of " + std::to_string(kMaxDelaySeconds) +
          " s (15 minutes); for work that runs later or on a schedule use a periodic task in cron.yaml")};
  }

  if (fifo_queue && message.group_id.empty())
    return Unexpected{invalid_request("a FIFO queue needs a message group id")};
  if (!message.group_id.empty())
    if (auto st = check_fifo_id("the message group id", message.group_id); !st) return st;
  if (!message.deduplication_id.empty())
    if (auto st = check_fifo_id("the deduplication id", message.deduplication_id); !st) return st;
  return {};
}

}  // namespace ebworker
