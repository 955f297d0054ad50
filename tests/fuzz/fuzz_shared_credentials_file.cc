// Input modelled: the shared credentials file (~/.aws/credentials, the INI file `aws configure`
// writes) and the profile asked for. The first line of the input is AWS_PROFILE (empty: the
// default profile); the rest is written to a temp file named by AWS_SHARED_CREDENTIALS_FILE and
// read by the source's fetch(), as the credentials chain does.
// Checked: credentials read have both keys and come from the file; an error never quotes a
// value from the file.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/shared_credentials_file.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ebworker;
  static const fuzz::TempFile file("credentials");
  const std::string_view input = fuzz::as_text(data, size);
  const auto eol = input.find('\n');
  const std::string_view profile = input.substr(0, eol);
  const std::string_view content = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
  file.write(content);

  Environment env{{"AWS_SHARED_CREDENTIALS_FILE", file.path()}, {"HOME", "/nonexistent"}};
  if (!profile.empty()) env.emplace("AWS_PROFILE", std::string(profile));
  auto source = shared_credentials_file(env);
  auto credentials = source->fetch();
  if (credentials) {
    FUZZ_CHECK(!credentials->access_key_id.empty());
    FUZZ_CHECK(!credentials->secret_access_key.empty());
    FUZZ_CHECK(content.find(credentials->secret_access_key) != std::string_view::npos);
  } else {
    // The message is the profile and the file, then fixed words (no digits). Take those two
    // out, and no value from the file that holds a digit may be left in it.
    std::string message = credentials.error().message;
    const std::string where =
        "profile \"" + (profile.empty() ? std::string("default") : std::string(profile)) + "\" in " + file.path();
    if (const auto at = message.find(where); at != std::string::npos) message.erase(at, where.size());
    size_t pos = 0;
    while ((pos = content.find_first_of("=:", pos)) != std::string_view::npos) {
      ++pos;
      const auto end = content.find('\n', pos);
      std::string_view value = content.substr(pos, end == std::string_view::npos ? end : end - pos);
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
      if (value.find_first_of("0123456789") != std::string_view::npos)
        FUZZ_CHECK(message.find(value) == std::string::npos);
    }
  }
  return 0;
}
