#pragma once
// A job's logger: every line carries the message id and job name, so one job's story can be
// grepped out of a busy log.

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace ebworker {

class JobLog {
 public:
  JobLog(std::string_view message_id, std::string_view job_name)
      : prefix_(fmt::format("msgid={} job={} ", message_id.empty() ? "-" : message_id, job_name)) {}

  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) const {
    write(spdlog::level::info, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) const {
    write(spdlog::level::warn, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) const {
    write(spdlog::level::err, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    write(spdlog::level::debug, format, std::forward<Args>(args)...);
  }

 private:
  template <typename... Args>
  void write(spdlog::level::level_enum level, fmt::format_string<Args...> format, Args&&... args) const {
    if (!spdlog::should_log(level)) return;
    spdlog::log(level, "{}{}", prefix_, fmt::format(format, std::forward<Args>(args)...));
  }

  std::string prefix_;
};

}  // namespace ebworker
