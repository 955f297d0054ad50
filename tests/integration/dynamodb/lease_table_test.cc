// The coordination table's conditional writes against dynalite: a run claimed twice is won
// once; a lease is taken only when free, expired or already the taker's; renew and release only
// by the holder.

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "core/iso_time.h"
#include "dynamodb/lease_table.h"
#include "support/dynalite_process.h"

namespace ebworker::testing {
namespace {

using Time = LeaseTable::Time;
using namespace std::chrono_literals;

Time at(std::string_view iso) { return *parse_iso8601_utc(iso); }

class LeaseTableTest : public ::testing::Test {
 protected:
  DynaliteProcess dynalite_;
  std::shared_ptr<const LeaseTable> table_ = dynalite_.table("coordination");
  const Time now_ = at("2031-03-04T05:06:00Z");
};

TEST_F(LeaseTableTest, ARunClaimedTwiceIsWonOnce) {
  const std::string key = run_key("NightlyCleanupJob", at("2031-03-04T03:00:00Z"));
  auto first = table_->claim(key, "daemon-a/1", now_ + 24h);
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_TRUE(*first);
  auto second = table_->claim(key, "daemon-b/2", now_ + 24h);
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_FALSE(*second);
  // The claim is a's, as written.
  auto lease = table_->read(key);
  ASSERT_TRUE(lease && *lease);
  EXPECT_EQ((*lease)->holder, "daemon-a/1");
  EXPECT_EQ((*lease)->expires_at, now_ + 24h);
}

TEST_F(LeaseTableTest, ALeaseIsTakenOnlyWhenFreeExpiredOrOurs) {
  const std::string key = leader_key("jobs");
  ASSERT_TRUE(*table_->take(key, "a", now_, now_ + 30s));
  EXPECT_FALSE(*table_->take(key, "b", now_ + 29s, now_ + 59s)) << "b took a's unexpired lease";
  EXPECT_FALSE(*table_->take(key, "b", now_ + 30s, now_ + 60s)) << "expires_at is not yet < now";
  EXPECT_TRUE(*table_->take(key, "a", now_ + 10s, now_ + 40s)) << "a could not take its own lease again";
  // Expired: b takes it over, and a can no longer renew.
  EXPECT_TRUE(*table_->take(key, "b", now_ + 41s, now_ + 71s));
  EXPECT_FALSE(*table_->renew(key, "a", now_ + 80s));
  EXPECT_EQ((*table_->read(key))->holder, "b");
  EXPECT_TRUE(*table_->renew(key, "b", now_ + 90s));
  EXPECT_EQ((*table_->read(key))->expires_at, now_ + 90s);
}

TEST_F(LeaseTableTest, OnlyTheHolderReleases) {
  const std::string key = lock_key("EchoJob");
  ASSERT_TRUE(*table_->take(key, "a", now_, now_ + 60s));
  EXPECT_FALSE(*table_->release(key, "b"));
  EXPECT_TRUE(*table_->read(key));
  EXPECT_TRUE(*table_->release(key, "a"));
  EXPECT_FALSE(*table_->read(key));
  EXPECT_FALSE(*table_->release(key, "a")) << "released what was not there";
  // Free again: anyone takes it at once.
  EXPECT_TRUE(*table_->take(key, "b", now_, now_ + 60s));
}

// An item someone else wrote under a lease's key: its expiry is not read as epoch 0 (a lease
// that ran out in 1970), and the holder check after a failed condition does not pass on it.
TEST_F(LeaseTableTest, AnUnreadableLeaseIsAnErrorNotEpochZero) {
  const std::vector<std::pair<std::string, AttributeValue>> garbage = {
      {"soon", AttributeValue::s("soon")},                                                  // wrong type
      {"decimal", AttributeValue{AttributeValue::Type::number, "1.5"}},                     // not whole seconds
      {"huge", AttributeValue{AttributeValue::Type::number, "123456789012345678901234"}},  // past long long
  };
  for (const auto& [name, expires_at] : garbage) {
    const std::string key = lock_key(name);
    auto put = dynalite_.client()->put_item(
        "coordination", {{"pk", AttributeValue::s(key)}, {"holder", AttributeValue::s("a")}, {"expires_at", expires_at}});
    ASSERT_TRUE(put) << put.error().describe();
    auto lease = table_->read(key);
    ASSERT_FALSE(lease) << name << ": read as expiring at "
                        << (*lease ? (*lease)->expires_at.time_since_epoch().count() : -1);
    EXPECT_EQ(lease.error().kind, AwsErrorKind::server) << lease.error().describe();
    EXPECT_NE(lease.error().describe().find("unreadable lease " + key), std::string::npos) << lease.error().describe();
    // a's claim finds the item there; the read-back that would count it as a's own earlier write
    // cannot read it: an error, not a win.
    EXPECT_FALSE(table_->claim(key, "a", now_ + 60s)) << name;
  }
  auto no_holder = dynalite_.client()->put_item(
      "coordination", {{"pk", AttributeValue::s("lock#bare")}, {"expires_at", AttributeValue::n(1)}});
  ASSERT_TRUE(no_holder) << no_holder.error().describe();
  EXPECT_FALSE(table_->read("lock#bare"));
}

TEST_F(LeaseTableTest, EnsureReadyCreatesOnlyWhenAsked) {
  LeaseTable missing(dynalite_.client(), "not-there");
  auto refused = missing.ensure_ready(false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("not-there does not exist"), std::string::npos) << refused.error().message;
  ASSERT_TRUE(missing.ensure_ready(true, 10s));
  EXPECT_EQ(*dynalite_.client()->describe_table("not-there"), "ACTIVE");
  EXPECT_TRUE(missing.ensure_ready(true, 10s)) << "an existing table is ready";
}

}  // namespace
}  // namespace ebworker::testing
