// Input modelled: a dead-lettered message as `ebworker dlq ls` and `show` read it from the queue,
// every part of which anyone with sqs:SendMessage on the dead-letter queue chooses. Fields are
// separated by the byte 0x1E (record separator), in this order: message id, ebworker-failure,
// ebworker-attempts, message-digest, ApproximateFirstReceiveTimestamp, SentTimestamp, one more
// message attribute ("name" 0x1F "data type" 0x1F "value"), then the body (the rest, separators
// included). An empty field is an absent attribute. The first byte, when odd, signs the body with
// the key the summary checks with instead of taking the digest field.
// Checked: the ls row is eight tab-separated fields ending in one line break, and show's lines
// are the fixed ones, one per attribute, then the body: neither holds a control character other
// than those separators, nor a byte that is not UTF-8 (no row forged or hidden, no terminal
// escape); a signed body's signature is "valid"; the job class and id are the body's.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/text.h"
#include "dlq/dead_letter_summary.h"
#include "dlq/dead_letter_text.h"
#include "envelope/signer.h"
#include "fuzz_support.h"
#include "worker/retry_hops.h"

namespace {

using namespace ebworker;

const Signer& signer() {
  static const Signer s = Signer::create("fuzz-secret-key-base-of-at-least-32-bytes").value();
  return s;
}

// Up to `count` fields cut at `separator`; the last holds the rest.
std::vector<std::string_view> split(std::string_view text, char separator, std::size_t count) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < count) {
    const std::size_t at = text.find(separator);
    if (at == std::string_view::npos) break;
    fields.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  fields.push_back(text);
  fields.resize(count);
  return fields;
}

// No control character but those allowed, and nothing that is not UTF-8.
bool printable(std::string_view text, std::string_view allowed) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_sequence_length(text.substr(i));
    if (n == 0) return false;
    if ((c < 0x20 || c == 0x7F) && allowed.find(static_cast<char>(c)) == std::string_view::npos) return false;
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) return false;  // C1
    i += n;
  }
  return true;
}

std::size_t count_of(std::string_view text, char c) {
  std::size_t n = 0;
  for (char x : text) n += x == c;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool sign = (data[0] & 1) != 0;
  const auto f = split(fuzz::as_text(data + 1, size - 1), '\x1e', 8);

  ReceivedMessage m;
  m.message_id = std::string(f[0]);
  m.body = std::string(f[7]);
  const auto attribute = [&](std::string_view name, std::string_view value) {
    if (!value.empty()) m.message_attributes.push_back({std::string(name), "String", std::string(value)});
  };
  attribute(kFailureAttribute, f[1]);
  attribute(kAttemptsAttribute, f[2]);
  attribute(kDigestAttribute, sign ? std::string_view(signer().sign(m.body)) : f[3]);
  if (!f[4].empty()) m.attributes["ApproximateFirstReceiveTimestamp"] = std::string(f[4]);
  if (!f[5].empty()) m.attributes["SentTimestamp"] = std::string(f[5]);
  m.attributes["ApproximateReceiveCount"] = "2";
  const auto extra = split(f[6], '\x1f', 3);
  if (!f[6].empty()) m.message_attributes.push_back({std::string(extra[0]), std::string(extra[1]), std::string(extra[2])});

  const DeadLetterSummary s = summarize(m, &signer());
  if (sign) FUZZ_CHECK(s.signature == SignatureCheck::valid);
  if (auto body = parse_json(m.body); body && body->IsObject()) {
    if (auto v = json_string(*body, "job_class")) FUZZ_CHECK(s.job_class == *v);
  }

  const std::string row = dead_letter_row(s);
  FUZZ_CHECK(!row.empty() && row.back() == '\n');
  FUZZ_CHECK(count_of(row, '\n') == 1);
  FUZZ_CHECK(count_of(row, '\t') == 7);
  FUZZ_CHECK(printable(row, "\t\n"));
  FUZZ_CHECK(row.find("\t\t") == std::string::npos && row.front() != '\t');  // no field is empty

  const std::string details = dead_letter_details(m, s);
  FUZZ_CHECK(printable(details, "\n"));
  const std::size_t body_at = details.find("\nbody:\n");
  FUZZ_CHECK(body_at != std::string::npos);
  // Before the body: the five fixed lines, two headings, one line per attribute.
  const std::size_t lines = count_of(std::string_view(details).substr(0, body_at + 1), '\n');
  FUZZ_CHECK(lines == 7 + m.attributes.size() + m.message_attributes.size());
  FUZZ_CHECK(details.starts_with("message_id: "));
  return 0;
}
