#pragma once
// The bodies of DynamoDB's HTTP 200 answers that the client reads, as values: GetItem's item
// (`{}` when there is none) and DescribeTable's TableStatus. Whatever else a server sends (not
// JSON, nested past the limit, another shape, attribute types the table never holds) is an error
// saying what was wrong; the client reports it as an unreadable answer.

#include <optional>
#include <string>
#include <string_view>

#include <ebworker/result.h>

#include "dynamodb/dynamodb_item.h"

namespace ebworker {

Result<std::optional<Item>> parse_get_item_answer(std::string_view body);
Result<std::string> parse_table_status_answer(std::string_view body);

}  // namespace ebworker
