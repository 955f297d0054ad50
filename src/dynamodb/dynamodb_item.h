#pragma once
// A DynamoDB item as the coordination table uses one: string (S) and number (N) attributes only.

#include <functional>
#include <map>
#include <string>

namespace ebworker {

struct AttributeValue {
  enum class Type { string, number };
  Type type = Type::string;
  std::string value{};  // a number as its decimal text

  static AttributeValue s(std::string text) { return {Type::string, std::move(text)}; }
  static AttributeValue n(long long number) { return {Type::number, std::to_string(number)}; }
  bool operator==(const AttributeValue&) const = default;
};

using Item = std::map<std::string, AttributeValue, std::less<>>;

}  // namespace ebworker
