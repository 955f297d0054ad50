#include "core/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <new>
#include <string>
#include <system_error>

namespace ebworker {

namespace {

// Builds the document from the reader's events, but reads every number itself. rapidjson
// 1.1.0's default number parser can land a unit in the last place away from the double the text
// names (-23.50e31), and its full-precision one turns zeros with a large negative exponent into
// garbage (0e-211 became 9e192); std::from_chars is exact.
class ExactNumbers {
 public:
  using Ch = char;
  using SizeType = rapidjson::SizeType;
  explicit ExactNumbers(rapidjson::Document& doc) : doc_(doc) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool String(const Ch* s, SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool StartObject() { return doc_.StartObject(); }
  bool Key(const Ch* s, SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool EndObject(SizeType members) { return doc_.EndObject(members); }
  bool StartArray() { return doc_.StartArray(); }
  bool EndArray(SizeType elements) { return doc_.EndArray(elements); }

  // The reader has checked the syntax: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  bool RawNumber(const Ch* s, SizeType n, bool) {
    const char* const end = s + n;
    const std::string_view text(s, n);
    if (text.find_first_of(".eE") == std::string_view::npos) {  // an integer, kept one if it fits
      if (text.front() == '-') {
        std::int64_t i = 0;
        if (const auto r = std::from_chars(s, end, i); r.ec == std::errc() && r.ptr == end) return doc_.Int64(i);
      } else {
        std::uint64_t u = 0;
        if (const auto r = std::from_chars(s, end, u); r.ec == std::errc() && r.ptr == end) return doc_.Uint64(u);
      }
    }
    double d = 0;
    const auto r = std::from_chars(s, end, d);
    if (r.ec == std::errc() && r.ptr == end) return doc_.Double(d);
    if (r.ec != std::errc::result_out_of_range) return false;
    // Too small for a double reads as zero, as before; too large is refused, as before.
    long double wide = 0;
    const auto w = std::from_chars(s, end, wide);
    const bool tiny = w.ec == std::errc() ? (wide < 1 && wide > -1) : text.find("e-") != std::string_view::npos ||
                                                                         text.find("E-") != std::string_view::npos;
    if (!tiny) return false;
    return doc_.Double(text.front() == '-' ? -0.0 : 0.0);
  }

 private:
  rapidjson::Document& doc_;
};

}  // namespace

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

namespace {

// A document whose memory pool takes its first chunk in a size that fits `text`. rapidjson's own
// pool starts at 64 KiB whatever the size, and freeing a block that large makes glibc consolidate
// its free lists: a cost on every job body and SQS answer. rapidjson offers no way to choose the
// chunk of a pool the document owns, so the fresh pool (it has allocated nothing yet) is replaced
// in place by one of the same type with the chunk wanted; the document still owns and frees it,
// so the document moves and converts like any other.
rapidjson::Document document_sized_for(std::string_view text) {
  rapidjson::Document doc;
  rapidjson::MemoryPoolAllocator<>& pool = doc.GetAllocator();
  // Twice the text holds the values of most documents; a larger one takes more chunks.
  const std::size_t chunk = std::clamp<std::size_t>(2 * text.size() + 256, 1024, 32 * 1024);
  pool.~MemoryPoolAllocator();
  new (&pool) rapidjson::MemoryPoolAllocator<>(chunk);
  return doc;
}

}  // namespace

Result<rapidjson::Document> parse_json(std::string_view text, std::size_t max_depth) {
  if (json_nested_deeper_than(text, max_depth))
    return fail("JSON nested deeper than " + std::to_string(max_depth) + " levels");
  rapidjson::Document doc = document_sized_for(text);
  rapidjson::ParseResult result;
  const auto parse = [&](rapidjson::Document& handler) {
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
    ExactNumbers exact(handler);
    rapidjson::Reader reader;
    result = reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                          rapidjson::kParseNumbersAsStringsFlag>(in, exact);
    return !result.IsError();
  };
  doc.Populate(parse);
  if (result.IsError()) {
    if (result.Code() == rapidjson::kParseErrorTermination)  // ExactNumbers refused a number
      return fail("invalid JSON at offset " + std::to_string(result.Offset()) +
                  ": Number too big to be stored in double.");
    return fail("invalid JSON at offset " + std::to_string(result.Offset()) + ": " +
                rapidjson::GetParseError_En(result.Code()));
  }
  return doc;
}

Result<std::string_view, JsonStringProblem> json_string(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return Unexpected{JsonStringProblem::not_an_object};
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return Unexpected{JsonStringProblem::absent};
  if (it->value.IsNull()) return Unexpected{JsonStringProblem::null};
  if (!it->value.IsString()) return Unexpected{JsonStringProblem::not_a_string};
  return std::string_view(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace ebworker
