#include "echo_job.h"

#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

ebworker::JobResult EchoJob::perform(const rapidjson::Value& arguments, ebworker::JobContext& context) {
  rapidjson::StringBuffer json;
  rapidjson::Writer<rapidjson::StringBuffer> writer(json);
  arguments.Accept(writer);
  std::string line(json.GetString(), json.GetSize());

  const char* path = std::getenv("ECHO_JOB_OUT");
  if (!path || !*path) {
    context.log.info("arguments {}", line);
    return ebworker::done();
  }
  line.push_back('\n');
  // One write() on an O_APPEND file: concurrent jobs never interleave their lines.
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ebworker::fail(std::string("cannot open ECHO_JOB_OUT: ") + std::strerror(errno));
  const ssize_t written = ::write(fd, line.data(), line.size());
  const int write_errno = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(line.size()))
    return ebworker::fail(std::string("cannot write ECHO_JOB_OUT: ") + std::strerror(write_errno));
  return ebworker::done();
}
