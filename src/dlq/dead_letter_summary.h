#pragma once
// What `ebworker dlq ls` and `show` say of one dead-lettered message: the job it holds, how often
// it was tried, when it failed and why, and whether its signature verifies with the keys the
// worker has now. The body is read leniently (a malformed envelope is often why a message is
// here): only its job_class and job_id, when it is a JSON object that has them.

#include <string>
#include <string_view>

#include "envelope/signer.h"
#include "sqs/sqs_messages.h"

namespace ebworker {

enum class SignatureCheck {
  valid,     // message-digest matches under SECRET_KEY_BASE or a SECRET_KEY_BASE_PREVIOUS key
  invalid,   // it matches under none: another key, or an altered body
  unsigned_, // no message-digest attribute
  no_key,    // no SECRET_KEY_BASE to check with
};

std::string_view to_string(SignatureCheck check);

struct DeadLetterSummary {
  std::string job_class{};      // "" when the body names none
  std::string job_id{};
  std::string attempts{};       // the ebworker-attempts attribute, else ApproximateReceiveCount
  std::string first_failure{};  // ApproximateFirstReceiveTimestamp, ISO 8601; "" when absent
  std::string last_failure{};   // SentTimestamp: when the worker dead-lettered it (or first sent it)
  std::string reason{};         // the ebworker-failure attribute; "" when absent (a redrive)
  SignatureCheck signature = SignatureCheck::no_key;
  std::string message_id{};
};

// `signer` null: no key to check with.
DeadLetterSummary summarize(const ReceivedMessage& message, const Signer* signer);

// An SQS epoch-milliseconds timestamp ("1767225600123") as ISO 8601 UTC; "" when not a number, or
// not one of the years an ISO time may name (core/iso_time.h).
std::string iso_of_epoch_millis(std::string_view millis);

}  // namespace ebworker
