#pragma once
// The jobs a binary can run, by name. Registration is explicit, in main:
//   ebworker::JobRegistry jobs;
//   jobs.add<EchoJob>();
//   jobs.add("Mailer", [&] { return std::make_unique<MailerJob>(smtp); });

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

class JobRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Job>()>;

  template <RegistrableJob J>
  JobRegistry& add() {
    return add(std::string(J::name), [] { return std::make_unique<J>(); });
  }
  // Throws std::invalid_argument on an empty or already registered name: a start-up bug.
  JobRegistry& add(std::string name, Factory factory);

  bool contains(std::string_view name) const;
  // A new instance of the named job, or nullptr when none is registered.
  std::unique_ptr<Job> create(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory, std::less<>> factories_;
};

}  // namespace ebworker
