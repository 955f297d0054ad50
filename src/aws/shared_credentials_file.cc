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

#include "aws/process_credentials.h"
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

bool has(const Profile& profile, const char* key) { return !value_of(profile, key).empty(); }

// The keys of a profile that names some; `where` says which, never quoting a value.
Result<AwsCredentials> keys_of(const Profile& profile, const std::string& where) {
  AwsCredentials credentials;
  credentials.access_key_id = value_of(profile, "aws_access_key_id");
  credentials.secret_access_key = value_of(profile, "aws_secret_access_key");
  credentials.session_token = value_of(profile, "aws_session_token");
  if (credentials.session_token.empty())
    credentials.session_token = value_of(profile, "aws_security_token");  // the older name
  if (credentials.access_key_id.empty()) return fail(where + " has no aws_access_key_id");
  if (credentials.secret_access_key.empty()) return fail(where + " has no aws_secret_access_key");
  return credentials;
}

// The path a file variable names ("~/" expanded), else HOME/`fallback`; or why there is none.
Result<std::string> file_path(const Environment& env, const char* variable, const char* fallback) {
  const std::string home = lookup_or(env, "HOME");
  std::string file = lookup_or(env, variable);
  if (file.empty()) {
    if (home.empty()) return fail(std::string("neither ") + variable + " nor HOME is set");
    return home + "/" + fallback;
  }
  if (file == "~" || file.rfind("~/", 0) == 0) {
    if (home.empty()) return fail(std::string(variable) + " starts with ~ but HOME is not set");
    return home + file.substr(1);
  }
  return file;
}

// A section of the file at `path`: nullopt when the file or the section is absent.
Result<std::optional<Profile>> section_of(const std::string& path, std::string_view section) {
  std::ifstream in(path);
  if (!in) {
    const int error = errno;
    if (error == ENOENT) return std::optional<Profile>();
    return fail("cannot read " + path + ": " + std::strerror(error));
  }
  auto found = read_section(in, section);
  if (in.bad()) return fail("cannot read " + path);
  return found;
}

class SharedCredentialsFile final : public CredentialsSource {
 public:
  explicit SharedCredentialsFile(const Environment& env) : profile_(lookup_or(env, "AWS_PROFILE")) {
    if (profile_.empty()) profile_ = "default";
    auto credentials = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    if (!credentials) {
      problem_ = credentials.error().message;
      return;
    }
    credentials_path_ = std::move(*credentials);
    // The config file is optional: without HOME or AWS_CONFIG_FILE there is simply none.
    if (auto config = file_path(env, "AWS_CONFIG_FILE", ".aws/config")) config_path_ = std::move(*config);
  }

  std::string_view name() const override { return "shared credentials file"; }

  // The credentials file's section of the profile, then the config file's ("[profile NAME]", or
  // "[default]"): keys from the first that has any, else the first credential_process.
  Result<AwsCredentials> fetch() override {
    if (!problem_.empty()) return fail(problem_);
    auto in_credentials = section_of(credentials_path_, profile_);
    if (!in_credentials) return Unexpected{in_credentials.error()};
    std::optional<Profile> in_config;
    if (!config_path_.empty()) {
      auto read = section_of(config_path_, profile_ == "default" ? profile_ : "profile " + profile_);
      if (!read) return Unexpected{read.error()};
      in_config = std::move(*read);
    }
    const std::string where = "profile \"" + profile_ + "\" in " + credentials_path_;
    if (!*in_credentials && !in_config) {
      if (!std::ifstream(credentials_path_)) return fail(credentials_path_ + " does not exist");
      return fail(where + " does not exist");
    }
    const std::pair<const std::optional<Profile>*, std::string> sections[] = {
        {&*in_credentials, where}, {&in_config, "profile \"" + profile_ + "\" in " + config_path_}};
    for (const auto& [section, place] : sections)
      if (*section && (has(**section, "aws_access_key_id") || has(**section, "aws_secret_access_key")))
        return keys_of(**section, place);
    for (const auto& [section, place] : sections)
      if (*section && has(**section, "credential_process")) {
        auto credentials = credentials_from_process(value_of(**section, "credential_process"));
        if (!credentials) return fail(place + ": " + credentials.error().message);
        return credentials;
      }
    return fail(where + " has no aws_access_key_id and aws_secret_access_key, nor credential_process" +
                " (role_arn and sso_* profiles are not supported; for SSO: credential_process = aws " +
                "configure export-credentials --profile NAME --format process)");
  }

 private:
  std::string profile_;
  std::string credentials_path_;
  std::string config_path_;  // empty: none
  std::string problem_;      // why there is no credentials file to read, found at construction
};

}  // namespace

std::unique_ptr<CredentialsSource> shared_credentials_file(const Environment& env) {
  return std::make_unique<SharedCredentialsFile>(env);
}

}  // namespace ebworker
