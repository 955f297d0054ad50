#include <ebworker/job_registry.h>

#include <stdexcept>

namespace ebworker {

JobRegistry& JobRegistry::add(std::string name, Factory factory) {
  if (name.empty()) throw std::invalid_argument("a job needs a name");
  if (!factory) throw std::invalid_argument("job " + name + " has no factory");
  if (!factories_.emplace(name, std::move(factory)).second)
    throw std::invalid_argument("job " + name + " is registered twice");
  return *this;
}

bool JobRegistry::contains(std::string_view name) const { return factories_.find(name) != factories_.end(); }

std::unique_ptr<Job> JobRegistry::create(std::string_view name) const {
  const auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second();
}

std::vector<std::string> JobRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

}  // namespace ebworker
