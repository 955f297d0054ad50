#include "limited_job.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace {

long long epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ebworker::JobResult LimitedJob::perform(const rapidjson::Value& arguments, ebworker::JobContext& context) {
  if (arguments.Size() < 2 || !arguments[0].IsString() || !arguments[1].IsUint64())
    return ebworker::discard("arguments must be [key, milliseconds]");
  const long long start = epoch_ms();
  std::mutex mutex;
  std::condition_variable_any never_notified;
  std::unique_lock lock(mutex);
  never_notified.wait_for(lock, context.stop, std::chrono::milliseconds(arguments[1].GetUint64()), [] { return false; });
  if (context.stop.stop_requested()) return ebworker::fail("asked to stop");
  const std::string line = std::string(arguments[0].GetString()) + " " + std::to_string(start) + " " +
                           std::to_string(epoch_ms()) + "\n";
  const char* path = std::getenv("LIMITED_JOB_OUT");
  if (!path || !*path) {
    context.log.info("{}", line.substr(0, line.size() - 1));
    return ebworker::done();
  }
  // One write() on an O_APPEND file: runs on other threads and workers never interleave lines.
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ebworker::fail(std::string("cannot open LIMITED_JOB_OUT: ") + std::strerror(errno));
  const ssize_t written = ::write(fd, line.data(), line.size());
  const int write_errno = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(line.size()))
    return ebworker::fail(std::string("cannot write LIMITED_JOB_OUT: ") + std::strerror(write_errno));
  return ebworker::done();
}
