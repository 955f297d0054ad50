#include "aws/credentials_json.h"

#include <rapidjson/document.h>

#include <cctype>
#include <chrono>
#include <optional>
#include <string_view>

#include "core/iso_time.h"
#include "core/json.h"

namespace ebworker {

Result<std::optional<std::string_view>> optional_string_field(const rapidjson::Value& object, const char* name) {
  const auto value = json_string(object, name);
  if (value) return std::optional<std::string_view>(*value);
  if (value.error() == JsonStringProblem::not_a_string)
    return fail(std::string("field \"") + name + "\" is not a string");
  return std::optional<std::string_view>();
}

Result<std::optional<std::chrono::system_clock::time_point>> expiration_field(const rapidjson::Value& object) {
  auto text = optional_string_field(object, "Expiration");
  if (!text) return Unexpected{text.error()};
  if (!*text) return std::optional<std::chrono::system_clock::time_point>();
  const auto time = parse_iso8601_utc(**text);
  if (!time) return fail("field \"Expiration\" is not an ISO 8601 UTC time");
  // system_clock counts nanoseconds in 64 bits, 1677 to 2262: converting a time outside that
  // would overflow. Compared in seconds, which hold any year.
  using std::chrono::seconds, std::chrono::system_clock;
  if (*time < std::chrono::ceil<seconds>(system_clock::time_point::min()) ||
      *time > std::chrono::floor<seconds>(system_clock::time_point::max()))
    return fail("field \"Expiration\" is outside the years this clock can hold");
  return std::optional<system_clock::time_point>(*time);
}

namespace {

Result<std::string> required_string(const rapidjson::Value& root, const char* name) {
  auto field = optional_string_field(root, name);
  if (!field) return Unexpected{field.error()};
  if (!*field || (*field)->empty()) return fail(std::string("missing field \"") + name + "\"");
  return std::string(**field);
}

// An error code such as "AccessDenied" or "AssumeRoleUnauthorizedAccess": letters and . _ - :
// only. Digits are left out so that nothing shaped like a key or a token is ever quoted.
bool plain_word(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (const char c : s)
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' && c != ':')
      return false;
  return true;
}

}  // namespace

Result<AwsCredentials> parse_credentials_json(std::string_view body) {
  auto parsed = parse_json(body);
  // The parser's message and offset would be harmless, but the text around a bad offset is the
  // secret itself, so nothing of the body is quoted.
  if (!parsed) return fail("answer is not valid JSON, or nested too deep");
  const rapidjson::Document& doc = *parsed;
  if (!doc.IsObject()) return fail("answer is not a JSON object");

  // IMDS says whether it succeeded; the code is a plain word, safe to quote.
  auto code = optional_string_field(doc, "Code");
  if (!code) return Unexpected{code.error()};
  if (*code) {
    const std::string_view value = **code;
    if (value != "Success")
      return fail(plain_word(value) ? "answer has Code \"" + std::string(value) + "\""
                                    : std::string("answer has a Code other than \"Success\""));
  }

  AwsCredentials credentials;
  auto key_id = required_string(doc, "AccessKeyId");
  if (!key_id) return Unexpected{key_id.error()};
  auto secret = required_string(doc, "SecretAccessKey");
  if (!secret) return Unexpected{secret.error()};
  auto token = optional_string_field(doc, "Token");
  if (!token) return Unexpected{token.error()};
  auto expiration = expiration_field(doc);
  if (!expiration) return Unexpected{expiration.error()};

  credentials.access_key_id = std::move(*key_id);
  credentials.secret_access_key = std::move(*secret);
  if (*token) credentials.session_token = std::string(**token);
  if (*expiration) credentials.expiration = **expiration;
  return credentials;
}

std::string error_code_of(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed || !parsed->IsObject()) return {};
  const rapidjson::Document& doc = *parsed;
  for (const char* name : {"code", "Code"})
    if (const auto value = json_string(doc, name); value && plain_word(*value)) return std::string(*value);
  return {};
}

}  // namespace ebworker
