// The leader lease's arithmetic with a clock the test sets, at the real timings (a 30 s lease,
// renewed every 10 s), and the coordination table's item keys.

#include <gtest/gtest.h>

#include <unistd.h>

#include "core/iso_time.h"
#include "dynamodb/lease_table.h"
#include "sqsd/leader_election.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;
using Time = LeaseState::Time;

Time at(std::string_view iso) { return Time(*parse_iso8601_utc(iso)); }

TEST(LeaseState, ALeaderRenewsEveryThirdOfItsLease) {
  LeaseState lease(30s);
  const Time t0 = at("2030-01-01T00:00:00Z");
  EXPECT_EQ(lease.renew_interval(), 10s);
  EXPECT_FALSE(lease.leading(t0));
  EXPECT_EQ(lease.next_attempt(t0), t0 + 10s) << "a follower tries again a third of a lease later";

  lease.tried(t0);
  lease.won(t0);
  EXPECT_TRUE(lease.leading(t0));
  EXPECT_TRUE(lease.leading(t0 + 29s));
  EXPECT_FALSE(lease.leading(t0 + 30s));
  EXPECT_EQ(lease.next_attempt(t0), t0 + 10s);
  EXPECT_EQ(lease.next_attempt(t0 + 5s), t0 + 10s);

  lease.tried(t0 + 10s);
  lease.won(t0 + 10s);
  EXPECT_TRUE(lease.leading(t0 + 39s));
  EXPECT_EQ(lease.next_attempt(t0 + 10s), t0 + 20s);
}

TEST(LeaseState, UnansweredRenewalsAreRetriedUntilTheLeaseRunsOut) {
  LeaseState lease(30s);
  const Time t0 = at("2030-01-01T00:00:00Z");
  lease.tried(t0);
  lease.won(t0);
  lease.tried(t0 + 10s);  // no answer
  EXPECT_TRUE(lease.leading(t0 + 10s));
  EXPECT_EQ(lease.next_attempt(t0 + 10s), t0 + 10s + 10000ms / 3);
  lease.tried(t0 + 28s);
  EXPECT_EQ(lease.next_attempt(t0 + 28s), t0 + 30s) << "never past the lease's end";
  EXPECT_FALSE(lease.leading(t0 + 30s)) << "a leader stops at its lease's end, answer or not";
  EXPECT_EQ(lease.next_attempt(t0 + 30s), t0 + 40s);
}

TEST(LeaseState, ALostLeaseEndsLeadingAtOnce) {
  LeaseState lease(30s);
  const Time t0 = at("2030-01-01T00:00:00Z");
  lease.won(t0);
  lease.lost();
  EXPECT_FALSE(lease.leading(t0 + 1s));
}

TEST(LeaseState, TheExpiryWrittenRoundsUpToWholeSeconds) {
  LeaseState lease(30s);
  EXPECT_EQ(lease.expires_at(at("2030-01-01T00:00:00Z") + 1ms), *parse_iso8601_utc("2030-01-01T00:00:31Z"));
  EXPECT_EQ(lease.expires_at(at("2030-01-01T00:00:00Z")), *parse_iso8601_utc("2030-01-01T00:00:30Z"));
}

TEST(CoordinationKeys, AsTheTableNamesThem) {
  EXPECT_EQ(leader_key("jobs"), "leader#jobs");
  EXPECT_EQ(run_key("NightlyCleanupJob", *parse_iso8601_utc("2030-01-01T03:00:00Z")),
            "run#NightlyCleanupJob#2030-01-01T03:00:00Z");
  EXPECT_EQ(lock_key("NightlyCleanupJob"), "lock#NightlyCleanupJob");
}

TEST(CoordinationKeys, HolderIdsAreHostPidAndRandom) {
  const std::string a = make_holder_id();
  const std::string b = make_holder_id();
  EXPECT_NE(a, b);
  EXPECT_NE(a.find(":" + std::to_string(getpid()) + ":"), std::string::npos) << a;
  EXPECT_EQ(random_token().size(), 16u);
}

}  // namespace
}  // namespace ebworker
