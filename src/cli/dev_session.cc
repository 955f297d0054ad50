#include "cli/dev_session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace ebworker {

namespace fs = std::filesystem;

Result<std::unique_ptr<DevSession>> DevSession::create() {
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  if (ec) return fail("no temporary directory: " + ec.message());
  std::string pattern = (base / "ebworker-dev-XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (!::mkdtemp(name.data()))  // 0700
    return fail("cannot create a directory in " + base.string() + ": " + std::strerror(errno));
  return std::unique_ptr<DevSession>(new DevSession(fs::path(name.data())));
}

DevSession::~DevSession() { remove(); }

void DevSession::remove() const {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Result<fs::path> DevSession::write(const std::string& name, const std::string& content) const {
  const fs::path path = dir_ / name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cannot write " + path.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return fail("cannot write " + path.string() + ": " + why);
    }
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return path;
}

std::string shell_quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Result<fs::path> DevSession::write_environment(const LocalStackEnvironment& stack) const {
  std::string text =
      "# The local stack of `ebworker dev` (this file goes when it stops). In another terminal:\n"
      "#   source " + (dir_ / "env").string() + "\n"
      "export EBWORKER_QUEUE_URL=" + shell_quote(stack.queue_url) + "\n"
      "export AWS_ENDPOINT_URL_SQS=" + shell_quote(stack.sqs_endpoint) + "\n"
      "export AWS_REGION=" + shell_quote(stack.region) + "\n"
      "# fauxqs checks no signature, but the client signs every request: any keys do.\n"
      "export AWS_ACCESS_KEY_ID=local\n"
      "export AWS_SECRET_ACCESS_KEY=local\n"
      "unset AWS_SESSION_TOKEN\n";
  if (!stack.secret_key_base.empty())
    text += "# Made for this session (nowhere else in use).\nexport SECRET_KEY_BASE=" +
            shell_quote(stack.secret_key_base) + "\n";
  else
    text += "# SECRET_KEY_BASE: the one ebworker dev was started with (not written here).\n";
  return write("env", text);
}

}  // namespace ebworker
