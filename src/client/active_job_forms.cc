#include <ebworker/client/active_job_forms.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

#include "core/iso_time.h"
#include "core/json.h"

namespace ebworker::active_job {

namespace {

constexpr std::size_t kMaxDepth = 128;

// {"_aj_serialized":"ActiveJob::Serializers::<serializer>","value":<value>} as Rails writes it.
template <typename WriteValue>
std::string serialized(std::string_view serializer, WriteValue write_value) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("_aj_serialized");
  write_json_string(w, "ActiveJob::Serializers::" + std::string(serializer));
  w.Key("value");
  write_value(w);
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

std::string string_value(std::string_view serializer, std::string_view value) {
  return serialized(serializer, [&](auto& w) { write_json_string(w, value); });
}

Result<std::string> marked(std::string_view object_json, const char* marker) {
  auto doc = parse_json(object_json, kMaxDepth);
  if (!doc) return Unexpected{doc.error()};
  if (!doc->IsObject()) return fail("expected a JSON object");
  rapidjson::Value names(rapidjson::kArrayType);
  const rapidjson::Document& object = *doc;
  for (const auto& member : object.GetObject())
    names.PushBack(rapidjson::Value(member.name, doc->GetAllocator()), doc->GetAllocator());
  doc->AddMember(rapidjson::StringRef(marker), names, doc->GetAllocator());
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  doc->Accept(w);
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace

std::string symbol(std::string_view name) { return string_value("SymbolSerializer", name); }

std::string time(std::chrono::system_clock::time_point t) {
  return string_value("TimeSerializer", iso8601_utc_nanoseconds(t));
}

std::string date(std::chrono::year_month_day day) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return string_value("DateSerializer", text);
}

std::string duration(std::chrono::seconds length) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("_aj_serialized");
  w.String("ActiveJob::Serializers::DurationSerializer");
  w.Key("value");
  w.Int64(length.count());
  // Its parts, as Rails writes them: [[:seconds, n]].
  w.Key("parts");
  w.StartArray();
  w.StartArray();
  w.RawValue(symbol("seconds").c_str(), symbol("seconds").size(), rapidjson::kObjectType);
  w.Int64(length.count());
  w.EndArray();
  w.EndArray();
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

std::string global_id(std::string_view gid) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("_aj_globalid");
  write_json_string(w, gid);
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

Result<std::string> symbol_keys(std::string_view object_json) { return marked(object_json, "_aj_symbol_keys"); }

Result<std::string> keywords(std::string_view object_json) { return marked(object_json, "_aj_ruby2_keywords"); }

}  // namespace ebworker::active_job
