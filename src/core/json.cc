#include "core/json.h"

#include <rapidjson/error/en.h>

#include <string>

namespace ebworker {

bool json_nested_deeper_than(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped character cannot end the string
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

Result<rapidjson::Document> parse_json(std::string_view text, std::size_t max_depth) {
  if (json_nested_deeper_than(text, max_depth))
    return fail("JSON nested deeper than " + std::to_string(max_depth) + " levels");
  rapidjson::Document doc;
  // Full precision: the default number parser can land one unit in the last place away from
  // the double the text names, so a job would see other numbers than its producer sent.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
            rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
  if (doc.HasParseError())
    return fail("invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                rapidjson::GetParseError_En(doc.GetParseError()));
  return doc;
}

}  // namespace ebworker
