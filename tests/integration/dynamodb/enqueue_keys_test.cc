// The keys the enqueue client keeps in the limits table, and the worker's reading of them,
// against dynalite: a unique key's claim is taken once until handed back; a debounce key names
// its last enqueue, which alone runs, once (its completed run marks the key); a key with no item
// runs; a table that does not answer defers.

#include "client/enqueue_keys.h"

#include <gtest/gtest.h>

#include "support/dynalite_process.h"
#include "worker/limit_gate.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

// True when the claim was taken; a claim the table did not answer fails the test.
bool claim_taken(const AwsResult<bool>& claimed) {
  EXPECT_TRUE(claimed) << (claimed ? "" : claimed.error().describe());
  return claimed && *claimed;
}

class EnqueueKeysTest : public ::testing::Test {
 protected:
  DynaliteProcess dynalite_;
  std::shared_ptr<const LeaseTable> table_ = dynalite_.table("limits");
  EnqueueKeys keys_{table_};
  LimitGate gate_{std::make_shared<const ConcurrencySlots>(table_, "worker-a"),
                  std::make_shared<const RateSlots>(dynalite_.client(), "limits", "worker-a")};
};

TEST_F(EnqueueKeysTest, AUniqueKeyIsClaimedOnceUntilHandedBack) {
  EXPECT_TRUE(claim_taken(keys_.claim_unique("import-1", "job-a", 60s)));
  EXPECT_FALSE(claim_taken(keys_.claim_unique("import-1", "job-b", 60s)));
  EXPECT_TRUE(claim_taken(keys_.claim_unique("import-2", "job-b", 60s))) << "another key";
  keys_.release_unique("import-1", "job-a");
  EXPECT_TRUE(claim_taken(keys_.claim_unique("import-1", "job-b", 60s)));
}

TEST_F(EnqueueKeysTest, OnlyTheLastEnqueueOfADebounceKeyRunsAndOnlyOnce) {
  ASSERT_TRUE(keys_.debounce("reindex-7", "job-1", 30s));
  ASSERT_TRUE(keys_.debounce("reindex-7", "job-2", 30s));
  const LimitAdmission earlier = gate_.debounce("reindex-7", "job-1");
  EXPECT_EQ(earlier.verdict, LimitAdmission::Verdict::superseded);
  EXPECT_NE(earlier.reason.find("skipped: debounce key reindex-7 was enqueued again (job job-2)"), std::string::npos)
      << earlier.reason;
  EXPECT_EQ(gate_.debounce("reindex-7", "job-2").verdict, LimitAdmission::Verdict::run);

  gate_.debounce_ran("reindex-7", "job-2");
  const LimitAdmission again = gate_.debounce("reindex-7", "job-2");
  EXPECT_EQ(again.verdict, LimitAdmission::Verdict::superseded) << "a second delivery after its run";
  EXPECT_NE(again.reason.find("already ran this job"), std::string::npos) << again.reason;
  EXPECT_EQ(gate_.debounce("reindex-7", "job-1").verdict, LimitAdmission::Verdict::superseded);

  ASSERT_TRUE(keys_.debounce("reindex-7", "job-3", 30s));  // a new burst
  EXPECT_EQ(gate_.debounce("reindex-7", "job-3").verdict, LimitAdmission::Verdict::run);
  EXPECT_EQ(gate_.debounce("never-recorded", "job-9").verdict, LimitAdmission::Verdict::run);
}

TEST_F(EnqueueKeysTest, ADebouncedRunIsDeferredWhileTheTableIsDownAndUnconfiguredWithoutIt) {
  ASSERT_TRUE(keys_.debounce("reindex-8", "job-1", 30s));
  dynalite_.kill();
  const LimitAdmission down = gate_.debounce("reindex-8", "job-1");
  EXPECT_EQ(down.verdict, LimitAdmission::Verdict::deferred);
  EXPECT_NE(down.reason.find("limits table unreachable"), std::string::npos) << down.reason;
  EXPECT_FALSE(keys_.debounce("reindex-8", "job-2", 30s)) << "the enqueue sees the error";

  const LimitGate no_table(nullptr, nullptr);
  EXPECT_EQ(no_table.debounce("reindex-8", "job-1").verdict, LimitAdmission::Verdict::unconfigured);
}

}  // namespace
}  // namespace ebworker::testing
