#include <ebworker/worker/job_registry.h>

#include <stdexcept>

namespace ebworker {

JobRegistry& JobRegistry::add(std::string name, Factory factory, JobOptions options) {
  if (name.empty()) throw std::invalid_argument("a job needs a name");
  if (!factory) throw std::invalid_argument("job " + name + " has no factory");
  if (options.time_limit.count() < 0) throw std::invalid_argument("job " + name + " has a negative time limit");
  const RetryOptions& retry = options.retry;
  if (retry.max_attempts < 0 || retry.base_delay.count() < 0 || retry.max_delay < retry.base_delay)
    throw std::invalid_argument("job " + name + " has a retry policy out of range");
  const ConcurrencyLimit& concurrency = options.concurrency;
  if (concurrency.max < 0 || (concurrency.max > 0 && concurrency.lease < std::chrono::seconds(3)))
    throw std::invalid_argument("job " + name + " has a concurrency limit out of range (lease at least 3 s)");
  if (options.rate.max < 0 || (options.rate.max > 0 && options.rate.per.count() <= 0))
    throw std::invalid_argument("job " + name + " has a rate limit out of range");
  if (!jobs_.emplace(name, Entry{std::move(factory), options}).second)
    throw std::invalid_argument("job " + name + " is registered twice");
  return *this;
}

bool JobRegistry::contains(std::string_view name) const { return jobs_.find(name) != jobs_.end(); }

std::unique_ptr<Job> JobRegistry::create(std::string_view name) const {
  const auto it = jobs_.find(name);
  return it == jobs_.end() ? nullptr : it->second.factory();
}

JobOptions JobRegistry::options(std::string_view name) const {
  const auto it = jobs_.find(name);
  return it == jobs_.end() ? JobOptions{} : it->second.options;
}

std::vector<std::string> JobRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : jobs_) out.push_back(name);
  return out;
}

}  // namespace ebworker
