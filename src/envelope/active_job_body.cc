#include "envelope/active_job_body.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/iso_time.h"
#include "core/json.h"

namespace ebworker {

namespace {

Unexpected<ArgumentsProblem> malformed(std::string why) { return Unexpected{ArgumentsProblem{.message = std::move(why)}}; }

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

template <typename Writer>
void write_string(Writer& w, std::string_view text) {
  write_json_string(w, text);
}

}  // namespace

Result<Envelope, ArgumentsProblem> parse_active_job(std::string_view body, MessageFormat format) {
  auto parsed = parse_json(body, kActiveJobBodyDepth);
  if (!parsed) return malformed(parsed.error().message);
  auto doc = std::make_shared<rapidjson::Document>(std::move(parsed).value());
  const rapidjson::Value& root = *doc;
  if (!root.IsObject()) return malformed("the message body must be a JSON object");

  Envelope e;
  e.format = format;
  const rapidjson::Value* job_class = member(root, "job_class");
  if (!job_class || !job_class->IsString() || job_class->GetStringLength() == 0)
    return malformed("field \"job_class\" must be a non-empty string");
  e.job_class.assign(job_class->GetString(), job_class->GetStringLength());

  const rapidjson::Value* job_id = member(root, "job_id");
  if (!job_id || !job_id->IsString() || job_id->GetStringLength() == 0)
    return malformed("field \"job_id\" must be a non-empty string");
  e.job_id.assign(job_id->GetString(), job_id->GetStringLength());

  if (const rapidjson::Value* queue = member(root, "queue_name"); queue && !queue->IsNull()) {
    if (!queue->IsString()) return malformed("field \"queue_name\" must be a string");
    e.queue_name.assign(queue->GetString(), queue->GetStringLength());
  }

  // Missing before Rails 5.1: a first run.
  if (const rapidjson::Value* executions = member(root, "executions"); executions && !executions->IsNull()) {
    if (!executions->IsInt64() || executions->GetInt64() < 0 || executions->GetInt64() > kMaxExecutions)
      return malformed("field \"executions\" must be an integer from 0 to " + std::to_string(kMaxExecutions));
    e.executions = executions->GetInt64();
  }

  for (const char* name : {"enqueued_at", "scheduled_at"}) {
    const rapidjson::Value* at = member(root, name);
    if (!at || at->IsNull()) continue;
    const std::string_view text = at->IsString() ? std::string_view(at->GetString(), at->GetStringLength()) : "";
    const auto instant = parse_iso8601_utc(text);
    if (!instant)
      return malformed(std::string("field \"") + name + "\" is not an ISO 8601 UTC time of the years " +
                       std::to_string(kMinIsoYear) + " to " + std::to_string(kMaxIsoYear));
    if (name == std::string_view("enqueued_at"))
      e.enqueued_at = std::string(text);
    else
      e.scheduled_at = *instant;
  }

  if (auto ok = read_continuation_fields(root, e); !ok) return malformed(ok.error().message);

  const rapidjson::Value* arguments = member(root, "arguments");
  if (!arguments) return malformed("missing field \"arguments\"");
  auto decoded = decode_active_job_arguments(*arguments);
  if (!decoded) return Unexpected{decoded.error()};
  e.arguments = std::move(decoded).value();
  e.active_job_body = std::move(doc);
  return e;
}

std::string active_job_json(const Envelope& envelope) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  const auto write_scheduled_at = [&] {
    w.Key("scheduled_at");
    if (envelope.scheduled_at)
      write_string(w, iso8601_utc_nanoseconds(*envelope.scheduled_at));
    else
      w.Null();
  };
  const auto write_continuation = [&] {
    w.Key("continuation");
    envelope.continuation.Accept(w);
    w.Key("resumptions");
    w.Int64(envelope.resumptions);
  };
  const bool continued = !envelope.continuation.IsNull();
  w.StartObject();
  if (const rapidjson::Document* body = envelope.active_job_body.get(); body && body->IsObject()) {
    bool executions = false;
    bool scheduled_at = false;
    for (const auto& m : body->GetObject()) {
      const std::string_view key(m.name.GetString(), m.name.GetStringLength());
      if (key == "executions") {
        executions = true;
        w.Key("executions");
        w.Int64(envelope.executions);
      } else if (key == "scheduled_at" && envelope.scheduled_at) {
        scheduled_at = true;
        write_scheduled_at();
      } else if (continued && (key == "continuation" || key == "resumptions")) {
        continue;  // written once, below, as the envelope now says
      } else {
        w.Key(m.name.GetString(), m.name.GetStringLength());
        m.value.Accept(w);
      }
    }
    if (!executions) {
      w.Key("executions");
      w.Int64(envelope.executions);
    }
    if (!scheduled_at && envelope.scheduled_at) write_scheduled_at();
    if (continued) write_continuation();
    w.EndObject();
    return {out.GetString(), out.GetSize()};
  }
  // Made here: Rails 7.1's keys, in its order.
  w.Key("job_class");
  write_string(w, envelope.job_class);
  w.Key("job_id");
  write_string(w, envelope.job_id);
  w.Key("provider_job_id");
  w.Null();
  w.Key("queue_name");
  write_string(w, envelope.queue_name);
  w.Key("priority");
  w.Null();
  w.Key("arguments");
  envelope.arguments.Accept(w);
  w.Key("executions");
  w.Int64(envelope.executions);
  w.Key("exception_executions");
  w.StartObject();
  w.EndObject();
  w.Key("locale");
  w.String("en");
  w.Key("timezone");
  w.String("UTC");
  w.Key("enqueued_at");
  write_string(w, envelope.enqueued_at);
  write_scheduled_at();
  if (continued) write_continuation();
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

}  // namespace ebworker
