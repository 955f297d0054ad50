#include <ebworker/worker/flow_control.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ebworker {

std::string argument_key(const rapidjson::Value& arguments, std::size_t index) {
  if (!arguments.IsArray() || index >= arguments.Size()) return {};
  const rapidjson::Value& value = arguments[static_cast<rapidjson::SizeType>(index)];
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  value.Accept(writer);  // the envelope's arguments were depth-checked when parsed
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace ebworker
