#include "aws/process_credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "aws/credentials_json.h"
#include "core/json.h"

extern char** environ;

namespace ebworker {

namespace {

// A credential process prints a few hundred bytes; more is not credentials.
constexpr std::size_t kMaxProcessOutput = 64 * 1024;

// Closes a descriptor when it goes out of scope.
struct ClosingFd {
  int fd = -1;
  ~ClosingFd() {
    if (fd >= 0) ::close(fd);
  }
};

// The exit status of `pid`, waiting for it.
int exit_status_of(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

Result<AwsCredentials> parse_process_credentials(std::string_view output) {
  auto parsed = parse_json(output);
  // Nothing of the output is quoted: it may hold the secret.
  if (!parsed) return fail("output is not valid JSON");
  const rapidjson::Document& doc = *parsed;
  if (!doc.IsObject()) return fail("output is not a JSON object");
  const auto version = doc.FindMember("Version");
  if (version == doc.MemberEnd() || !version->value.IsInt() || version->value.GetInt() != 1)
    return fail("output's \"Version\" is not 1");

  AwsCredentials credentials;
  for (auto [name, field] : {std::pair{"AccessKeyId", &credentials.access_key_id},
                             std::pair{"SecretAccessKey", &credentials.secret_access_key},
                             std::pair{"SessionToken", &credentials.session_token}}) {
    auto value = optional_string_field(doc, name);
    if (!value) return Unexpected{value.error()};
    if (*value) *field = std::string(**value);
  }
  if (credentials.access_key_id.empty()) return fail("output has no \"AccessKeyId\"");
  if (credentials.secret_access_key.empty()) return fail("output has no \"SecretAccessKey\"");

  auto expiration = expiration_field(doc);
  if (!expiration) return Unexpected{expiration.error()};
  if (*expiration) credentials.expiration = **expiration;
  return credentials;
}

Result<AwsCredentials> credentials_from_process(const std::string& command, std::chrono::milliseconds timeout) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return fail(std::string("cannot make a pipe: ") + std::strerror(errno));
  ClosingFd read_end{ends[0]};
  ClosingFd write_end{ends[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, STDOUT_FILENO);
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  const int spawned =
      ::posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return fail(std::string("cannot start /bin/sh: ") + std::strerror(spawned));
  ::close(write_end.fd);
  write_end.fd = -1;

  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{read_end.fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    char buffer[4096];
    const ssize_t n = ::read(read_end.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of output
    output.append(buffer, static_cast<size_t>(n));
    if (output.size() > kMaxProcessOutput) break;
  }
  if (timed_out || output.size() > kMaxProcessOutput) ::kill(pid, SIGKILL);
  const int status = exit_status_of(pid);
  if (timed_out)
    return fail("credential_process did not finish within " + std::to_string(timeout.count()) + " ms");
  if (output.size() > kMaxProcessOutput) return fail("credential_process printed more than 64 KiB");
  if (WIFSIGNALED(status)) return fail("credential_process was killed by signal " + std::to_string(WTERMSIG(status)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail("credential_process exited with status " + std::to_string(WEXITSTATUS(status)));
  auto credentials = parse_process_credentials(output);
  if (!credentials) return fail("credential_process: " + credentials.error().message);
  return credentials;
}

}  // namespace ebworker
