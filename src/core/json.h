#pragma once
// The one way ebworker parses JSON from the network (job bodies, SQS and metadata answers):
// rapidjson's iterative parser, so nesting cannot exhaust the stack while parsing; UTF-8
// validated; and nesting refused past a depth before parsing starts, because copying, writing
// or walking a value recursively would exhaust it afterwards.

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

#include <ebworker/result.h>

#include "core/text.h"

namespace ebworker {

// Deep enough for any answer SQS or the metadata services give (they nest 4 levels or so).
inline constexpr std::size_t kDefaultJsonDepth = 64;

// True when arrays and objects in `text` nest deeper than `limit` (strings are skipped, with
// their escapes). Malformed text may pass; the parser refuses it.
bool json_nested_deeper_than(std::string_view text, std::size_t limit);

// The document, or why not: "nested deeper than N levels" or the parser's message and offset.
Result<rapidjson::Document> parse_json(std::string_view text, std::size_t max_depth = kDefaultJsonDepth);

// Why an object has no string member of some name.
enum class JsonStringProblem { not_an_object, absent, null, not_a_string };

// The string member `name` of `object` (pointing into it), or why there is none: the one lookup
// behind every string field ebworker reads (job envelopes, SQS answers, credentials answers).
// Each reader words its own error from the problem, as its callers and tests know it.
Result<std::string_view, JsonStringProblem> json_string(const rapidjson::Value& object, const char* name);

// Writes `text` as a JSON string with any rapidjson writer (String wants a pointer and a SizeType),
// always valid UTF-8: bytes that are not UTF-8 become U+FFFD (repair_utf8), since the writer
// copies them raw and a reader then refuses the whole document.
template <typename Writer>
void write_json_string(Writer& writer, std::string_view text) {
  if (is_valid_utf8(text)) {
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return;
  }
  const std::string repaired = repair_utf8(text);
  writer.String(repaired.data(), static_cast<rapidjson::SizeType>(repaired.size()));
}

}  // namespace ebworker
