// Input modelled: the body of an HTTP answer from SQS (or something pretending to be SQS), read
// as the SQS client reads it. A 200 body is parsed with parse_json (iterative, depth-limited, as
// SqsClient::call does) and, when it is an object, given to every answer parser:
// SendMessage (parse_send_answer), SendMessageBatch / DeleteMessageBatch (parse_batch_answer,
// then parse_send_answer on each successful entry), ReceiveMessage (parse_received_messages,
// with Binary attribute values base64-decoded, then the MD5s the client checks), queue
// attributes (string_map). The first byte picks the status: below 0x80 it is 200; else it is
// 400 + (byte - 0x80), 400 to 527, and the body goes to fuzz::check_error_answer
// (fuzz_aws_error.h), a first line starting "x-amzn-query-error:" becoming that header.
// Checked: nothing parsed nests deeper than the limit; classification follows the documented
// retry rule; describe() is one line.

#include <rapidjson/document.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "fuzz_aws_error.h"
#include "fuzz_support.h"
#include "sqs/message_md5.h"
#include "sqs/sqs_json.h"

namespace {

using namespace ebworker;

// How deeply arrays and objects nest in a parsed value (a top-level [] is 1), walked without
// recursion.
size_t depth_of(const rapidjson::Value& root) {
  size_t deepest = 0;
  std::vector<std::pair<const rapidjson::Value*, size_t>> pending{{&root, 1}};
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    if (value->IsArray() || value->IsObject()) deepest = std::max(deepest, depth);
    if (value->IsArray())
      for (const auto& item : value->GetArray()) pending.emplace_back(&item, depth + 1);
    else if (value->IsObject())
      for (const auto& member : value->GetObject()) pending.emplace_back(&member.value, depth + 1);
  }
  return deepest;
}

void parse_as_answers(std::string_view body) {
  auto parsed = parse_json(body);  // what SqsClient::call does with a 200's body
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty());
    return;
  }
  FUZZ_CHECK(depth_of(*parsed) <= kDefaultJsonDepth);
  if (!parsed->IsObject()) return;  // the client stops here too
  const rapidjson::Document& doc = *parsed;

  if (auto sent = parse_send_answer(doc)) FUZZ_CHECK(doc.HasMember("MessageId"));

  if (auto batch = parse_batch_answer(doc)) {
    for (const auto& [id, entry] : batch->successful) {
      FUZZ_CHECK(entry != nullptr && entry->IsObject());
      if (auto sent = parse_send_answer(*entry)) FUZZ_CHECK(entry->HasMember("MD5OfMessageBody"));
    }
    for (const auto& failure : batch->failed) {
      SqsError e = sqs_error_from_batch_entry(failure.sender_fault, failure.code, failure.message);
      FUZZ_CHECK(!e.message.empty());
      FUZZ_CHECK(e.http_status == 200);
      (void)e.describe();
    }
  }

  if (auto messages = parse_received_messages(doc)) {
    for (const auto& m : *messages) {
      (void)md5_of_body(m.body);
      if (!m.message_attributes.empty()) (void)md5_of_attributes(m.message_attributes);
      for (const auto& a : m.message_attributes) {
        if (a.data_type.rfind("Binary", 0) == 0) {
          // What was decoded encodes back to base64 that decodes to the same bytes.
          auto again = base64_decode(base64_encode(a.value));
          FUZZ_CHECK(again.has_value() && *again == a.value);
        }
      }
    }
  }

  if (auto attributes = string_map(doc)) FUZZ_CHECK(attributes->size() <= doc.MemberCount());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body = fuzz::as_text(data + 1, size - 1);
  const long status = data[0] < 0x80 ? 200 : 400 + (data[0] - 0x80);
  if (status == 200)
    parse_as_answers(body);
  else
    fuzz::check_error_answer(status, body);

  // Binary attribute values: whatever base64 text an answer holds, decoding never goes wrong,
  // and what it yields encodes back to text that decodes to the same bytes.
  if (auto decoded = base64_decode(body)) {
    FUZZ_CHECK(decoded->size() <= body.size());
    auto again = base64_decode(base64_encode(*decoded));
    FUZZ_CHECK(again.has_value() && *again == *decoded);
  }
  return 0;
}
