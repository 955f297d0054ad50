#pragma once
// Each declared limit's use, as /metrics and the status page show it, per job class (not per
// key: a key comes from job arguments, which would grow the scrape without bound):
//   ebworker_limit{job,kind}                  the declared maximum: kind "concurrency" (runs at
//                                             once per key) or "rate" (starts per interval per key)
//   ebworker_limit_in_use{job}                runs of the class holding a concurrency slot in THIS
//                                             worker (the other workers' are in their own scrapes;
//                                             the table's total would cost a read per key)
//   ebworker_limit_deferrals_total{job,reason} runs held back: "concurrency" (a key's slots all
//                                             held), "rate" (its rate used), "unreachable" (the
//                                             table did not answer, failing closed),
//                                             "unconfigured" (no EBWORKER_LIMITS_TABLE, refused)
// A class's series exist from the start for every class that declares a limit.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/worker/job_registry.h>

#include "metrics/registry.h"

namespace ebworker {

enum class LimitDeferral { concurrency, rate, unreachable, unconfigured };
inline constexpr std::size_t kLimitDeferrals = 4;
std::string_view to_string(LimitDeferral reason);

// One class's row on the status page.
struct LimitUseRow {
  std::string job{};
  int concurrency_max = 0;  // 0: none
  int rate_max = 0;         // 0: none
  std::chrono::milliseconds rate_per{0};
  double in_use = 0;  // this worker's held concurrency slots
  std::array<std::uint64_t, kLimitDeferrals> deferred{};  // by LimitDeferral
};

class LimitUse {
 public:
  // The classes of `jobs` that declare a limit get their series in `registry`.
  LimitUse(const JobRegistry& jobs, metrics::Registry& registry);

  // A run of `job` took a concurrency slot: in use until the returned gauge is decremented
  // (HeldSlot does). Null for a class without a limit.
  metrics::Gauge* took_slot(std::string_view job) const;
  void deferred(std::string_view job, LimitDeferral reason) const;

  std::vector<LimitUseRow> rows() const;  // by class name

 private:
  struct Series {
    LimitUseRow declared{};
    metrics::Gauge* in_use = nullptr;
    std::array<metrics::Counter*, kLimitDeferrals> deferrals{};
  };
  std::map<std::string, Series, std::less<>> classes_;  // fixed after construction: no lock
};

}  // namespace ebworker
