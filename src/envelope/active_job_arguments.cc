#include "envelope/active_job_arguments.h"

#include <string_view>

namespace ebworker {

namespace {

constexpr std::string_view kSerializerPrefix = "ActiveJob::Serializers::";

bool is_hash_marker(std::string_view key) {
  return key == "_aj_symbol_keys" || key == "_aj_ruby2_keywords" || key == "_aj_hash_with_indifferent_access";
}

std::string_view text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

class Decoder {
 public:
  explicit Decoder(rapidjson::Document::AllocatorType& allocator) : allocator_(allocator) {}

  Result<rapidjson::Value, ArgumentsProblem> value(const rapidjson::Value& in) {
    if (in.IsArray()) {
      rapidjson::Value out(rapidjson::kArrayType);
      for (const auto& item : in.GetArray()) {
        auto decoded = value(item);
        if (!decoded) return Unexpected{decoded.error()};
        out.PushBack(std::move(decoded).value(), allocator_);
      }
      return out;
    }
    if (!in.IsObject()) return rapidjson::Value(in, allocator_);
    if (const auto gid = in.FindMember("_aj_globalid"); gid != in.MemberEnd() && in.MemberCount() == 1) {
      if (!gid->value.IsString()) return malformed("_aj_globalid is not a string");
      return rapidjson::Value(gid->value, allocator_);
    }
    if (const auto serializer = in.FindMember("_aj_serialized"); serializer != in.MemberEnd()) {
      if (!serializer->value.IsString()) return malformed("_aj_serialized is not a string");
      return serialized(text(serializer->value), in);
    }
    rapidjson::Value out(rapidjson::kObjectType);
    for (const auto& member : in.GetObject()) {
      if (is_hash_marker(text(member.name))) continue;
      auto decoded = value(member.value);
      if (!decoded) return Unexpected{decoded.error()};
      out.AddMember(rapidjson::Value(member.name, allocator_), std::move(decoded).value(), allocator_);
    }
    return out;
  }

 private:
  static Unexpected<ArgumentsProblem> malformed(std::string why) {
    return Unexpected{ArgumentsProblem{.unknown_serializer = false, .message = "arguments: " + std::move(why)}};
  }

  Result<rapidjson::Value, ArgumentsProblem> serialized(std::string_view name, const rapidjson::Value& in) {
    const auto field = [&](const char* key) -> const rapidjson::Value* {
      const auto it = in.FindMember(key);
      return it == in.MemberEnd() ? nullptr : &it->value;
    };
    const rapidjson::Value* value_field = field("value");
    std::string_view kind = name;
    if (kind.starts_with(kSerializerPrefix)) kind.remove_prefix(kSerializerPrefix.size());
    if (name.starts_with(kSerializerPrefix) &&
        (kind == "SymbolSerializer" || kind == "ModuleSerializer" || kind == "BigDecimalSerializer" ||
         kind == "DateSerializer" || kind == "TimeSerializer" || kind == "DateTimeSerializer" ||
         kind == "TimeWithZoneSerializer")) {
      if (!value_field || !value_field->IsString()) return malformed(std::string(name) + " has no string \"value\"");
      return rapidjson::Value(*value_field, allocator_);
    }
    if (name.starts_with(kSerializerPrefix) && kind == "DurationSerializer") {
      if (!value_field || !value_field->IsNumber()) return malformed(std::string(name) + " has no number \"value\"");
      return rapidjson::Value(*value_field, allocator_);
    }
    if (name.starts_with(kSerializerPrefix) && kind == "RangeSerializer") {
      const rapidjson::Value* begin = field("begin");
      const rapidjson::Value* end = field("end");
      const rapidjson::Value* exclude_end = field("exclude_end");
      if (!begin || !end || !exclude_end || !exclude_end->IsBool())
        return malformed(std::string(name) + " needs \"begin\", \"end\" and a boolean \"exclude_end\"");
      auto first = value(*begin);
      if (!first) return Unexpected{first.error()};
      auto last = value(*end);
      if (!last) return Unexpected{last.error()};
      rapidjson::Value out(rapidjson::kObjectType);
      out.AddMember("begin", std::move(first).value(), allocator_);
      out.AddMember("end", std::move(last).value(), allocator_);
      out.AddMember("exclude_end", exclude_end->GetBool(), allocator_);
      return out;
    }
    return Unexpected{ArgumentsProblem{
        .unknown_serializer = true,
        .message = "argument serializer " + std::string(name) +
                   " is not one of ActiveJob's own: only the Rails app that defines it can read it"}};
  }

  rapidjson::Document::AllocatorType& allocator_;
};

Status check_forms(const rapidjson::Value& v) {
  if (v.IsArray()) {
    for (const auto& item : v.GetArray())
      if (auto ok = check_forms(item); !ok) return ok;
    return {};
  }
  if (!v.IsObject()) return {};
  if (const auto gid = v.FindMember("_aj_globalid"); gid != v.MemberEnd()) {
    if (v.MemberCount() != 1 || !gid->value.IsString())
      return fail("an object with \"_aj_globalid\" must hold that one key, a gid:// string");
    return {};
  }
  if (const auto serializer = v.FindMember("_aj_serialized"); serializer != v.MemberEnd()) {
    if (!serializer->value.IsString()) return fail("\"_aj_serialized\" must name a serializer");
    return {};  // the serializer's own fields: the Rails app reads them
  }
  for (const auto& member : v.GetObject()) {
    const std::string_view key = text(member.name);
    if (!key.starts_with("_aj_")) {
      if (auto ok = check_forms(member.value); !ok) return ok;
      continue;
    }
    if (key == "_aj_hash_with_indifferent_access") {
      if (!member.value.IsTrue()) return fail("\"_aj_hash_with_indifferent_access\" must be true");
      continue;
    }
    if (key != "_aj_symbol_keys" && key != "_aj_ruby2_keywords")
      return fail("the hash key \"" + std::string(key) +
                  "\" would be read by Rails as one of ActiveJob's _aj_* forms: rename it");
    if (!member.value.IsArray()) return fail("\"" + std::string(key) + "\" must list the hash's keys");
    for (const auto& name : member.value.GetArray())
      if (!name.IsString() || !v.HasMember(name))
        return fail("\"" + std::string(key) + "\" names a key the hash does not have");
  }
  return {};
}

}  // namespace

Status check_active_job_forms(const rapidjson::Value& arguments) { return check_forms(arguments); }

Result<rapidjson::Document, ArgumentsProblem> decode_active_job_arguments(const rapidjson::Value& arguments) {
  if (!arguments.IsArray()) return Unexpected{ArgumentsProblem{.message = "field \"arguments\" must be an array"}};
  rapidjson::Document out(rapidjson::kArrayType);
  auto decoded = Decoder(out.GetAllocator()).value(arguments);
  if (!decoded) return Unexpected{decoded.error()};
  static_cast<rapidjson::Value&>(out) = std::move(decoded).value();
  return out;
}

}  // namespace ebworker
