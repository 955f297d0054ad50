// Input modelled: the body the container credentials endpoint (ECS) or the EC2 instance
// metadata service (IMDSv2) answers with, success or error, as the credentials chain reads it:
// parse_credentials_json on a 200, error_code_of on anything else.
// Checked: parsed credentials have both keys; an error message never quotes the secret access
// key or the token; a quoted error code is a plain word of at most 64 characters.

#include <rapidjson/document.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials_json.h"
#include "fuzz_support.h"

namespace {

// The values of the secret fields, found independently of the parser under test; only those
// holding a character no error message of the parser has (a real secret key has '/' and '+'),
// so a fixed message that happens to contain the value is not taken for a leak.
std::vector<std::string> secrets_in(std::string_view body) {
  std::vector<std::string> out;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  const rapidjson::Value& root = doc;
  for (const char* name : {"SecretAccessKey", "Token"})
    if (auto it = root.FindMember(name); it != root.MemberEnd() && it->value.IsString())
      if (std::string value(it->value.GetString(), it->value.GetStringLength());
          value.find_first_of("/+=#%@!$&*~|") != std::string::npos)
        out.push_back(std::move(value));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ebworker;
  const std::string_view body = fuzz::as_text(data, size);

  auto credentials = parse_credentials_json(body);
  if (credentials) {
    FUZZ_CHECK(!credentials->access_key_id.empty());
    FUZZ_CHECK(!credentials->secret_access_key.empty());
  } else {
    for (const std::string& secret : secrets_in(body))
      FUZZ_CHECK(credentials.error().message.find(secret) == std::string::npos);
  }

  const std::string code = error_code_of(body);
  FUZZ_CHECK(code.size() <= 64);
  for (const char c : code)
    FUZZ_CHECK(std::isalpha(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':');
  return 0;
}
