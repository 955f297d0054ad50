#include "dynamodb/dynamodb_answers.h"

#include "core/json.h"

namespace ebworker {

namespace {

// An attribute value as DynamoDB writes one: {"S":"…"} or {"N":"…"}; other types are not ours.
Result<AttributeValue> read_value(const rapidjson::Value& v) {
  if (!v.IsObject() || v.MemberCount() != 1) return fail("an attribute value is not {\"S\"|\"N\": …}");
  const auto& member = *v.MemberBegin();
  const std::string_view type(member.name.GetString(), member.name.GetStringLength());
  if (!member.value.IsString()) return fail("attribute value of type " + std::string(type) + " is not a string");
  std::string text(member.value.GetString(), member.value.GetStringLength());
  if (type == "S") return AttributeValue::s(std::move(text));
  if (type == "N") return AttributeValue{AttributeValue::Type::number, std::move(text)};
  return fail("attribute value of type " + std::string(type) + " (only S and N are used)");
}

}  // namespace

Result<std::optional<Item>> parse_get_item_answer(std::string_view body) {
  auto doc = parse_json(body);
  if (!doc || !doc->IsObject()) return fail("not a JSON object");
  const auto it = doc->FindMember("Item");
  if (it == doc->MemberEnd()) return std::optional<Item>();  // {}: no such item
  if (!it->value.IsObject()) return fail("\"Item\" is not an object");
  Item item;
  for (const auto& member : it->value.GetObject()) {
    auto value = read_value(member.value);
    if (!value) return Unexpected{value.error()};
    std::string name(member.name.GetString(), member.name.GetStringLength());
    if (!item.emplace(std::move(name), std::move(value).value()).second) return fail("an attribute named twice");
  }
  return std::optional<Item>(std::move(item));
}

Result<std::string> parse_table_status_answer(std::string_view body) {
  auto doc = parse_json(body);
  if (!doc || !doc->IsObject()) return fail("not a JSON object");
  const auto it = doc->FindMember("Table");
  if (it == doc->MemberEnd() || !it->value.IsObject()) return fail("no \"Table\"");
  const auto status = json_string(it->value, "TableStatus");
  if (!status) return fail("no \"Table.TableStatus\"");
  return std::string(*status);
}

}  // namespace ebworker
