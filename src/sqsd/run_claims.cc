#include "sqsd/run_claims.h"

namespace ebworker {

PeriodicScheduler::Claim run_claims(std::shared_ptr<const LeaseTable> table, std::string holder) {
  return [table = std::move(table), holder = std::move(holder)](
             const CronTask& task, PeriodicScheduler::Time scheduled) -> Result<std::optional<PeriodicScheduler::RunClaim>> {
    std::string key = run_key(task.name, scheduled);
    std::string claimant = holder + "/" + random_token();
    auto won = table->claim(key, claimant, scheduled + std::chrono::days(1));
    if (!won) return fail(won.error().describe());
    if (!*won) return std::optional<PeriodicScheduler::RunClaim>();
    return std::optional<PeriodicScheduler::RunClaim>(PeriodicScheduler::RunClaim{
        [table, key = std::move(key), claimant = std::move(claimant)]() -> Status {
          auto released = table->release(key, claimant);
          if (!released) return fail(released.error().describe());
          if (!*released) return fail("the claim " + key + " is no longer this daemon's");
          return {};
        }});
  };
}

}  // namespace ebworker
