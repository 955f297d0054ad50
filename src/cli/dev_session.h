#pragma once
// The files of one `ebworker dev` run, in a directory only this user can read,
// $TMPDIR/ebworker-dev-XXXXXX, removed with everything in it when the run ends: the session's
// generated secret, EchoJob's output, and `env`, a file another terminal sources to enqueue into
// the local stack (the queue URL, the local endpoint, a region, the local stack's dummy keys).

#include <filesystem>
#include <memory>
#include <string>

#include <ebworker/result.h>

namespace ebworker {

struct LocalStackEnvironment {
  std::string queue_url;
  std::string sqs_endpoint;
  std::string region;
  std::string secret_key_base;  // written only when the session made it; empty: left out
};

class DevSession {
 public:
  static Result<std::unique_ptr<DevSession>> create();
  ~DevSession();  // removes the directory
  DevSession(const DevSession&) = delete;
  DevSession& operator=(const DevSession&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // A file of the session, readable by this user only.
  Result<std::filesystem::path> write(const std::string& name, const std::string& content) const;
  // `env`: export lines for a POSIX shell.
  Result<std::filesystem::path> write_environment(const LocalStackEnvironment& stack) const;
  void remove() const;

 private:
  explicit DevSession(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// `value` quoted for a POSIX shell: 'it'\''s'.
std::string shell_quote(const std::string& value);

}  // namespace ebworker
