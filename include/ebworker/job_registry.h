#pragma once
// The jobs a binary can run, by name. Registration is explicit, in main:
//   ebworker::JobRegistry jobs;
//   jobs.add<EchoJob>();
//   jobs.add("Mailer", [&] { return std::make_unique<MailerJob>(smtp); });
// A job class may declare a time limit, after which its context's stop token is requested,
// and, for a periodic task, that a run may start while the previous one still runs:
//   static constexpr std::chrono::seconds time_limit{300};
//   static constexpr bool allow_overlap = true;  // default: such a run is skipped (200, logged)

#include <chrono>
#include <concepts>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/job.h>

namespace ebworker {

// What add<J>() needs of a job class: a Job, default-constructible (one fresh instance per run),
// with a `static constexpr std::string_view name`. Jobs that need constructor arguments are
// registered with a factory instead: add("Name", [&] { return std::make_unique<J>(deps); }).
template <typename J>
concept RegistrableJob = std::derived_from<J, Job> && std::default_initializable<J> && requires {
  { J::name } -> std::convertible_to<std::string_view>;
};

struct JobOptions {
  std::chrono::seconds time_limit{0};  // 0: none
  bool allow_overlap = false;          // periodic tasks: may a run start while one runs?
};

class JobRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Job>()>;

  template <RegistrableJob J>
  JobRegistry& add() {
    JobOptions options;
    if constexpr (requires { J::time_limit; }) options.time_limit = std::chrono::seconds(J::time_limit);
    if constexpr (requires { J::allow_overlap; }) options.allow_overlap = J::allow_overlap;
    return add(std::string(J::name), [] { return std::make_unique<J>(); }, options);
  }
  // Throws std::invalid_argument on an empty or already registered name: a start-up bug.
  JobRegistry& add(std::string name, Factory factory, JobOptions options = {});

  bool contains(std::string_view name) const;
  // The job's options; the defaults when it is not registered.
  JobOptions options(std::string_view name) const;
  // A new instance of the named job, or nullptr when none is registered.
  std::unique_ptr<Job> create(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  struct Entry {
    Factory factory;
    JobOptions options;
  };
  std::map<std::string, Entry, std::less<>> jobs_;
};

}  // namespace ebworker
