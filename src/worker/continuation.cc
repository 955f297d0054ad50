#include "worker/continuation.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ebworker {

namespace {

std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  value.Accept(writer);
  return {out.GetString(), out.GetSize()};
}

}  // namespace

Continuation continuation_of(const rapidjson::Value& field) {
  Continuation c;
  if (!field.IsObject()) return c;
  if (const auto completed = field.FindMember("completed"); completed != field.MemberEnd() && completed->value.IsArray())
    for (const auto& step : completed->value.GetArray())
      if (step.IsString()) c.completed.emplace_back(step.GetString(), step.GetStringLength());
  if (const auto current = field.FindMember("current");
      current != field.MemberEnd() && current->value.IsArray() && current->value.Size() == 2 &&
      current->value[0].IsString()) {
    c.current = std::string(current->value[0].GetString(), current->value[0].GetStringLength());
    c.cursor.CopyFrom(current->value[1], c.cursor.GetAllocator());
  }
  return c;
}

rapidjson::Document continuation_json(const Continuation& continuation) {
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value completed(rapidjson::kArrayType);
  for (const auto& step : continuation.completed)
    completed.PushBack(rapidjson::Value(step.data(), static_cast<rapidjson::SizeType>(step.size()), a), a);
  out.AddMember("completed", completed, a);
  if (continuation.current) {
    rapidjson::Value current(rapidjson::kArrayType);
    const std::string& name = *continuation.current;
    current.PushBack(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size()), a), a);
    current.PushBack(rapidjson::Value(continuation.cursor, a), a);
    out.AddMember("current", current, a);
  }
  return out;
}

std::string where_steps_stand(const Continuation& continuation) {
  if (continuation.current)
    return "in step " + *continuation.current + " at cursor " + json_text(continuation.cursor);
  if (!continuation.completed.empty()) return "after step " + continuation.completed.back();
  return "before its first step";
}

}  // namespace ebworker
