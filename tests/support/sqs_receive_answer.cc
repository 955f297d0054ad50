#include "support/sqs_receive_answer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/json.h"
#include "sqs/message_md5.h"

namespace ebworker::testing {

std::string receive_message_answer(const std::vector<ReceivedMessage>& messages) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  const auto text = [&](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("Messages");
  w.StartArray();
  for (const auto& m : messages) {
    w.StartObject();
    w.Key("MessageId");
    text(m.message_id);
    w.Key("ReceiptHandle");
    text(m.receipt_handle);
    w.Key("Body");
    text(m.body);
    w.Key("MD5OfBody");
    text(md5_of_body(m.body));
    w.Key("Attributes");
    w.StartObject();
    for (const auto& [name, value] : m.attributes) {
      text(name);
      text(value);
    }
    w.EndObject();
    if (!m.message_attributes.empty()) {
      w.Key("MessageAttributes");
      w.StartObject();
      for (const auto& a : m.message_attributes) {
        text(a.name);
        w.StartObject();
        w.Key("DataType");
        text(a.data_type);
        w.Key("StringValue");
        text(a.value);
        w.EndObject();
      }
      w.EndObject();
      w.Key("MD5OfMessageAttributes");
      text(md5_of_attributes(m.message_attributes));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

}  // namespace ebworker::testing
