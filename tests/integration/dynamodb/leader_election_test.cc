// The leader election against dynalite, two daemons' elections stepped by hand with clocks the
// test sets (a 30 s lease, renewed every 10 s): one leads; the other takes over only once the
// leader's lease has expired; the old leader then loses at its next renewal; a leader that stops
// hands the lease back, so the other takes it at once.

#include <gtest/gtest.h>

#include "core/iso_time.h"
#include "sqsd/leader_election.h"
#include "support/dynalite_process.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;
using Time = LeaseState::Time;

Time at(std::string_view iso) { return Time(*parse_iso8601_utc(iso)); }

class LeaderElectionTest : public ::testing::Test {
 protected:
  LeaderElection election(const std::string& holder, Time& clock, int& acquired) {
    return LeaderElection(table_, "jobs", holder, 30s, [&acquired] { ++acquired; }, [&clock] { return clock; });
  }

  DynaliteProcess dynalite_;
  std::shared_ptr<const LeaseTable> table_ = dynalite_.table("leases");
  const Time t0_ = at("2031-03-04T05:06:00Z");
  Time clock_a_ = t0_, clock_b_ = t0_;
  int acquired_a_ = 0, acquired_b_ = 0;
};

TEST_F(LeaderElectionTest, TheOtherTakesOverOnlyOnceTheLeaseHasExpired) {
  auto a = election("daemon-a", clock_a_, acquired_a_);
  auto b = election("daemon-b", clock_b_, acquired_b_);

  EXPECT_EQ(a.step(), t0_ + 10s);  // renews a third of a lease later
  EXPECT_TRUE(a.leading());
  EXPECT_EQ(acquired_a_, 1);
  EXPECT_EQ(b.step(), t0_ + 10s);  // tries again a third of a lease later
  EXPECT_FALSE(b.leading());

  clock_a_ = clock_b_ = t0_ + 10s;
  EXPECT_EQ(a.step(), t0_ + 20s);
  EXPECT_EQ(acquired_a_, 1) << "a renewal is not an acquisition";
  EXPECT_EQ((*table_->read(leader_key("jobs")))->expires_at, std::chrono::floor<std::chrono::seconds>(t0_ + 40s));

  // a dies now. Until its lease (renewed at +10 s) expires at +40 s, b cannot lead.
  clock_b_ = t0_ + 40s;
  b.step();
  EXPECT_FALSE(b.leading());
  clock_a_ = t0_ + 40s;
  EXPECT_FALSE(a.leading()) << "a still counts itself leader past its lease";

  clock_b_ = t0_ + 41s;  // expires_at < now
  b.step();
  EXPECT_TRUE(b.leading());
  EXPECT_EQ(acquired_b_, 1);
  EXPECT_EQ((*table_->read(leader_key("jobs")))->holder, "daemon-b");

  // a comes back: its lease is b's now.
  clock_a_ = t0_ + 42s;
  a.step();
  EXPECT_FALSE(a.leading());
}

TEST_F(LeaderElectionTest, ALeaderThatStopsHandsTheLeaseBack) {
  auto a = election("daemon-a", clock_a_, acquired_a_);
  auto b = election("daemon-b", clock_b_, acquired_b_);
  a.step();
  b.step();
  ASSERT_TRUE(a.leading());
  a.stop();
  EXPECT_FALSE(a.leading());
  EXPECT_FALSE(*table_->read(leader_key("jobs")));
  clock_b_ = t0_ + 1s;  // long before a's lease would have expired
  b.step();
  EXPECT_TRUE(b.leading());
}

TEST_F(LeaderElectionTest, UnansweredRenewalsKeepTheLeaseOnlyUntilItRunsOut) {
  auto a = election("daemon-a", clock_a_, acquired_a_);
  a.step();
  ASSERT_TRUE(a.leading());
  // DynamoDB goes away: every renewal is an error, not an answer.
  dynalite_.kill();
  clock_a_ = t0_ + 10s;
  EXPECT_EQ(a.step(), t0_ + 10s + 10000ms / 3) << "an unanswered renewal is tried again each ninth of a lease";
  EXPECT_TRUE(a.leading()) << "an unanswered renewal is not a lost lease";
  clock_a_ = t0_ + 28s;
  EXPECT_EQ(a.step(), t0_ + 30s) << "no renewal is tried past the lease's end";
  EXPECT_TRUE(a.leading());
  clock_a_ = t0_ + 30s;
  EXPECT_FALSE(a.leading()) << "leading past the lease it last won";
}

}  // namespace
}  // namespace ebworker::testing
