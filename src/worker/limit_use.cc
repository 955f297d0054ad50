#include "worker/limit_use.h"

namespace ebworker {

std::string_view to_string(LimitDeferral reason) {
  switch (reason) {
    case LimitDeferral::concurrency: return "concurrency";
    case LimitDeferral::rate: return "rate";
    case LimitDeferral::unreachable: return "unreachable";
    case LimitDeferral::unconfigured: return "unconfigured";
  }
  return "concurrency";
}

LimitUse::LimitUse(const JobRegistry& jobs, metrics::Registry& registry) {
  auto& maximum = registry.gauge("ebworker_limit",
                                 "the declared limit of a job class: runs at once per key (concurrency) or "
                                 "starts per interval per key (rate)",
                                 {"job", "kind"});
  auto& in_use = registry.gauge("ebworker_limit_in_use",
                                "runs of a job class holding a concurrency slot in this worker", {"job"});
  auto& deferrals = registry.counter("ebworker_limit_deferrals_total",
                                     "runs of a job class held back by its limits, by reason", {"job", "reason"});
  for (const auto& name : jobs.names()) {
    const JobOptions& options = jobs.options(name);
    if (options.concurrency.max <= 0 && options.rate.max <= 0) continue;
    Series s;
    s.declared = {.job = name,
                  .concurrency_max = std::max(0, options.concurrency.max),
                  .rate_max = std::max(0, options.rate.max),
                  .rate_per = options.rate.per};
    if (s.declared.concurrency_max > 0) maximum.with({name, "concurrency"}).set(s.declared.concurrency_max);
    if (s.declared.rate_max > 0) maximum.with({name, "rate"}).set(s.declared.rate_max);
    s.in_use = &in_use.with({name});
    for (std::size_t r = 0; r < kLimitDeferrals; ++r)
      s.deferrals[r] = &deferrals.with({name, std::string(to_string(static_cast<LimitDeferral>(r)))});
    classes_.emplace(name, std::move(s));
  }
}

metrics::Gauge* LimitUse::took_slot(std::string_view job) const {
  const auto it = classes_.find(job);
  if (it == classes_.end()) return nullptr;
  it->second.in_use->inc();
  return it->second.in_use;
}

void LimitUse::deferred(std::string_view job, LimitDeferral reason) const {
  if (const auto it = classes_.find(job); it != classes_.end()) it->second.deferrals[static_cast<std::size_t>(reason)]->inc();
}

std::vector<LimitUseRow> LimitUse::rows() const {
  std::vector<LimitUseRow> out;
  for (const auto& [name, s] : classes_) {
    LimitUseRow row = s.declared;
    row.in_use = s.in_use->value();
    for (std::size_t r = 0; r < kLimitDeferrals; ++r) row.deferred[r] = static_cast<std::uint64_t>(s.deferrals[r]->value());
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace ebworker
