// Input modelled: the body of an HTTP answer from DynamoDB (or something pretending to be it),
// read as the DynamoDB client reads it. The first byte picks the status: below 0x80 it is 200,
// and the body goes to every 200 parser (GetItem's item, then the lease the coordination table
// reads from it; DescribeTable's status); else it is 400 + (byte - 0x80), 400 to 527, and the
// body goes to fuzz::check_error_answer (fuzz_aws_error.h), as SQS's error answers do.
// Checked: an item holds only S and N values; a lease read from it has its holder and an expiry
// that prints back as the number it was read from; error classification follows the documented
// retry rule (throttling and 5xx retried, other 4xx not); describe() is one line.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dynamodb/dynamodb_answers.h"
#include "dynamodb/lease_table.h"
#include "fuzz_aws_error.h"
#include "fuzz_support.h"

namespace {

using namespace ebworker;

void parse_as_answers(std::string_view body) {
  if (auto item = parse_get_item_answer(body)) {
    if (!*item) return;
    for (const auto& [name, value] : **item)
      FUZZ_CHECK(value.type == AttributeValue::Type::string || value.type == AttributeValue::Type::number);
    if (auto lease = lease_from_item(**item)) {
      FUZZ_CHECK(lease->holder == (*item)->at("holder").value);
      const std::string& expiry = (*item)->at("expires_at").value;
      FUZZ_CHECK(std::to_string(lease->expires_at.time_since_epoch().count()) == expiry ||
                 expiry.starts_with('+') || expiry.starts_with("-0") || expiry.starts_with('0'));
    } else {
      FUZZ_CHECK(!lease.error().message.empty());
    }
  } else {
    FUZZ_CHECK(!item.error().message.empty());
  }
  if (auto status = parse_table_status_answer(body))
    FUZZ_CHECK(body.find("TableStatus") != std::string_view::npos);
  else
    FUZZ_CHECK(!status.error().message.empty());
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
  return 0;
}
