#pragma once
// The jobs a binary can run, by name. Registration is explicit, in main:
//   ebworker::JobRegistry jobs;
//   jobs.add<EchoJob>();
//   jobs.add("Mailer", [&] { return std::make_unique<MailerJob>(smtp); });

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "job/job.h"

namespace ebworker {

class JobRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Job>()>;

  template <typename J>
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
