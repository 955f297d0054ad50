#include "aws/shared_credentials_file.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "core/environment_lookup.h"
#include "core/text.h"

namespace ebworker {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

using Profile = std::map<std::string, std::string>;  // lower-case key → value

// The settings of one section of an INI file, read the way the SDKs' parsers do: `[name]`
// headers, `key = value` or `key: value` lines, whole-line comments starting with # or ;,
// case-insensitive keys, later values overriding earlier ones. A line indented deeper than the
// key before it continues that key (the config file's nested settings, `s3 =` then
// `  max_concurrent_requests = 20`) and is skipped, as is stray text. Nullopt when the section
// is absent.
std::optional<Profile> read_section(std::istream& in, std::string_view wanted) {
  std::optional<Profile> found;
  bool inside = false;
  std::optional<size_t> key_indent;  // of the last key line in this section
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    const size_t indent = line.find_first_not_of(" \t");
    if (text.front() == '[') {
      const auto close = text.find(']');
      inside = close != std::string_view::npos && trim(text.substr(1, close - 1)) == wanted;
      if (inside && !found) found.emplace();
      key_indent.reset();
      continue;
    }
    if (!inside) continue;
    if (key_indent && indent > *key_indent) continue;  // continues the key before it
    const auto delimiter = text.find_first_of("=:");
    if (delimiter == std::string_view::npos) continue;
    (*found)[to_lower(trim(text.substr(0, delimiter)))] = std::string(trim(text.substr(delimiter + 1)));
    key_indent = indent;
  }
  return found;
}

std::string value_of(const Profile& profile, const char* key) {
  const auto it = profile.find(key);
  return it == profile.end() ? std::string() : it->second;
}

class SharedCredentialsFile final : public CredentialsSource {
 public:
  explicit SharedCredentialsFile(const Environment& env) : profile_(lookup_or(env, "AWS_PROFILE")) {
    if (profile_.empty()) profile_ = "default";
    const std::string home = lookup_or(env, "HOME");
    std::string file = lookup_or(env, "AWS_SHARED_CREDENTIALS_FILE");
    if (file.empty()) {
      if (home.empty()) {
        problem_ = "neither AWS_SHARED_CREDENTIALS_FILE nor HOME is set";
        return;
      }
      path_ = home + "/.aws/credentials";
    } else if (file == "~" || file.rfind("~/", 0) == 0) {
      if (home.empty()) {
        problem_ = "AWS_SHARED_CREDENTIALS_FILE starts with ~ but HOME is not set";
        return;
      }
      path_ = home + file.substr(1);
    } else {
      path_ = std::move(file);
    }
  }

  std::string_view name() const override { return "shared credentials file"; }

  Result<AwsCredentials> fetch() override {
    if (!problem_.empty()) return fail(problem_);
    std::ifstream in(path_);
    if (!in) {
      const int error = errno;
      if (error == ENOENT) return fail(path_ + " does not exist");
      return fail("cannot read " + path_ + ": " + std::strerror(error));
    }
    const auto profile = read_section(in, profile_);
    if (in.bad()) return fail("cannot read " + path_);
    const std::string where = "profile \"" + profile_ + "\" in " + path_;
    if (!profile) return fail(where + " does not exist");

    AwsCredentials credentials;
    credentials.access_key_id = value_of(*profile, "aws_access_key_id");
    credentials.secret_access_key = value_of(*profile, "aws_secret_access_key");
    credentials.session_token = value_of(*profile, "aws_session_token");
    if (credentials.session_token.empty())
      credentials.session_token = value_of(*profile, "aws_security_token");  // the older name
    if (credentials.access_key_id.empty() && credentials.secret_access_key.empty())
      return fail(where + " has no aws_access_key_id and aws_secret_access_key" +
                  " (role_arn, sso_* and credential_process profiles are not supported)");
    if (credentials.access_key_id.empty()) return fail(where + " has no aws_access_key_id");
    if (credentials.secret_access_key.empty()) return fail(where + " has no aws_secret_access_key");
    return credentials;
  }

 private:
  std::string profile_;
  std::string path_;
  std::string problem_;  // why there is no file to read, found at construction
};

}  // namespace

std::unique_ptr<CredentialsSource> shared_credentials_file(const Environment& env) {
  return std::make_unique<SharedCredentialsFile>(env);
}

}  // namespace ebworker
