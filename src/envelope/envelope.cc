#include "envelope/envelope.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <utility>
#include <vector>

#include "core/iso_time.h"
#include "core/json.h"
#include "envelope/uuid.h"

namespace ebworker {

namespace {

const std::string kIsoYears = "the years " + std::to_string(kMinIsoYear) + " to " + std::to_string(kMaxIsoYear);

// Job arguments may nest deeper than SQS answers, but a 1 MiB body holds 500000 levels.
constexpr size_t kMaxDepth = 128;

std::string to_json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  v.Accept(writer);
  return {out.GetString(), out.GetSize()};
}

Result<std::string> string_field(const rapidjson::Value& root, const char* name) {
  const auto value = json_string(root, name);
  if (value) return std::string(*value);
  if (value.error() == JsonStringProblem::absent) return fail(std::string("missing field \"") + name + "\"");
  return fail(std::string("field \"") + name + "\" must be a string");
}

// "unique" and "debounce": {"key": 1 to kMaxUniqueKey bytes, "for": 1 to kMaxUniqueFor seconds},
// or absent (or null).
Status read_keyed_window(const rapidjson::Value& root, const char* field, std::string& key, std::int64_t& window) {
  const auto member = root.FindMember(field);
  if (member == root.MemberEnd() || member->value.IsNull()) return {};
  const rapidjson::Value& u = member->value;
  const auto refused = [&] {
    return fail(std::string("field \"") + field + "\" must be {\"key\": 1 to " + std::to_string(kMaxUniqueKey) +
                " bytes, \"for\": 1 to " + std::to_string(kMaxUniqueFor) + " seconds}");
  };
  if (!u.IsObject()) return refused();  // MemberEnd() of anything else is undefined
  const auto k = u.FindMember("key");
  const auto w = u.FindMember("for");
  if (k == u.MemberEnd() || !k->value.IsString() || k->value.GetStringLength() == 0 ||
      k->value.GetStringLength() > kMaxUniqueKey || w == u.MemberEnd() || !w->value.IsInt64() ||
      w->value.GetInt64() < 1 || w->value.GetInt64() > kMaxUniqueFor)
    return refused();
  key.assign(k->value.GetString(), k->value.GetStringLength());
  window = w->value.GetInt64();
  return {};
}

void write_keyed_window(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* field, const std::string& key,
                        std::int64_t window) {
  if (key.empty()) return;
  w.Key(field);
  w.StartObject();
  w.Key("key");
  write_json_string(w, key);
  w.Key("for");
  w.Int64(window);
  w.EndObject();
}

}  // namespace

Result<rapidjson::Document> parse_json_array(std::string_view json) {
  auto doc = parse_json(json, kMaxDepth);
  if (!doc) return Unexpected{doc.error()};
  if (!doc->IsArray()) return fail("arguments must be a JSON array");
  return std::move(doc).value();
}

Status check_continuation(const rapidjson::Value& continuation) {
  if (!continuation.IsObject()) return fail("field \"continuation\" must be an object");
  if (const auto completed = continuation.FindMember("completed"); completed != continuation.MemberEnd()) {
    if (!completed->value.IsArray()) return fail("field \"continuation\": \"completed\" must be an array of step names");
    for (const auto& step : completed->value.GetArray())
      if (!step.IsString() || step.GetStringLength() == 0)
        return fail("field \"continuation\": \"completed\" must be an array of step names");
  }
  if (const auto current = continuation.FindMember("current");
      current != continuation.MemberEnd() && !current->value.IsNull()) {
    const rapidjson::Value& c = current->value;
    if (!c.IsArray() || c.Size() != 2 || !c[0].IsString() || c[0].GetStringLength() == 0)
      return fail("field \"continuation\": \"current\" must be [step name, cursor]");
  }
  return {};
}

Status read_continuation_fields(const rapidjson::Value& root, Envelope& e) {
  if (const auto c = root.FindMember("continuation"); c != root.MemberEnd() && !c->value.IsNull()) {
    if (auto ok = check_continuation(c->value); !ok) return ok;
    e.continuation.CopyFrom(c->value, e.continuation.GetAllocator());
  }
  if (const auto r = root.FindMember("resumptions"); r != root.MemberEnd() && !r->value.IsNull()) {
    if (!r->value.IsInt64() || r->value.GetInt64() < 0 || r->value.GetInt64() > kMaxExecutions)
      return fail("field \"resumptions\" must be an integer from 0 to " + std::to_string(kMaxExecutions));
    e.resumptions = r->value.GetInt64();
  }
  return {};
}

Result<Envelope> Envelope::make(std::string job_class, std::string_view arguments_json,
                                std::string queue_name) {
  auto args = parse_json_array(arguments_json);
  if (!args) return Unexpected{args.error()};
  Envelope e;
  e.job_class = std::move(job_class);
  e.job_id = uuid_v4();
  e.queue_name = std::move(queue_name);
  e.arguments = std::move(args).value();
  e.executions = 0;
  e.enqueued_at = iso8601_utc(std::chrono::system_clock::now());
  return e;
}

Result<Envelope> Envelope::parse(std::string_view body) {
  auto doc = parse_json(body, kMaxDepth);
  if (!doc) return Unexpected{doc.error()};
  rapidjson::Value& root = *doc;
  if (!root.IsObject()) return fail("the message body must be a JSON object");

  Envelope e;
  auto job_class = string_field(root, "job_class");
  if (!job_class) return Unexpected{job_class.error()};
  if (job_class->empty()) return fail("field \"job_class\" is empty");
  e.job_class = std::move(job_class).value();

  auto job_id = string_field(root, "job_id");
  if (!job_id) return Unexpected{job_id.error()};
  if (!is_uuid(*job_id)) return fail("field \"job_id\" is not a UUID");
  e.job_id = std::move(job_id).value();

  auto queue_name = string_field(root, "queue_name");
  if (!queue_name) return Unexpected{queue_name.error()};
  e.queue_name = std::move(queue_name).value();

  const auto args = root.FindMember("arguments");
  if (args == root.MemberEnd()) return fail("missing field \"arguments\"");
  if (!args->value.IsArray()) return fail("field \"arguments\" must be an array");

  const auto executions = root.FindMember("executions");
  if (executions == root.MemberEnd()) return fail("missing field \"executions\"");
  if (!executions->value.IsInt64() || executions->value.GetInt64() < 0)
    return fail("field \"executions\" must be a non-negative integer");
  // Counted up by each retry: bounded far below the type's limit, so that no count overflows.
  if (executions->value.GetInt64() > kMaxExecutions)
    return fail("field \"executions\" is over " + std::to_string(kMaxExecutions));
  e.executions = executions->value.GetInt64();

  auto enqueued_at = string_field(root, "enqueued_at");
  if (!enqueued_at) return Unexpected{enqueued_at.error()};
  if (!is_iso8601_utc(*enqueued_at))
    return fail("field \"enqueued_at\" is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ) of " + kIsoYears);
  e.enqueued_at = std::move(enqueued_at).value();

  if (const auto scheduled = root.FindMember("scheduled_at"); scheduled != root.MemberEnd() && !scheduled->value.IsNull()) {
    const auto at = scheduled->value.IsString()
                        ? parse_iso8601_utc({scheduled->value.GetString(), scheduled->value.GetStringLength()})
                        : std::nullopt;
    if (!at) return fail("field \"scheduled_at\" is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ) of " + kIsoYears);
    e.scheduled_at = *at;
  }
  if (auto ok = read_continuation_fields(root, e); !ok) return Unexpected{ok.error()};
  if (auto ok = read_keyed_window(root, "unique", e.unique_key, e.unique_for); !ok) return Unexpected{ok.error()};
  if (auto ok = read_keyed_window(root, "debounce", e.debounce_key, e.debounce_for); !ok) return Unexpected{ok.error()};
  // The arguments become the document's root, without a copy: rapidjson's assignment moves
  // (the arguments' old place is left null), and the parsed document's allocator, which holds
  // their strings and elements, goes with it. Last, once no other field is read from root.
  rapidjson::Value arguments;
  arguments = args->value;
  root = arguments;
  e.arguments = std::move(doc).value();
  return e;
}

std::string Envelope::to_json() const {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("job_class");
  write_json_string(w, job_class);
  w.Key("job_id");
  write_json_string(w, job_id);
  w.Key("queue_name");
  write_json_string(w, queue_name);
  w.Key("arguments");
  arguments.Accept(w);
  w.Key("executions");
  w.Int64(executions);
  w.Key("enqueued_at");
  write_json_string(w, enqueued_at);
  if (scheduled_at) {
    const std::string at = iso8601_utc(*scheduled_at);
    w.Key("scheduled_at");
    write_json_string(w, at);
  }
  if (!continuation.IsNull()) {
    w.Key("continuation");
    continuation.Accept(w);
  }
  if (resumptions > 0) {
    w.Key("resumptions");
    w.Int64(resumptions);
  }
  write_keyed_window(w, "unique", unique_key, unique_for);
  write_keyed_window(w, "debounce", debounce_key, debounce_for);
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

std::string Envelope::arguments_json() const { return to_json_text(arguments); }

}  // namespace ebworker
