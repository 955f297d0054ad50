// A concurrency limit's slots against dynalite: at most `max` runs of a key hold one at once,
// threads racing for the last slot get it once, a held slot is renewed past its lease and freed
// when the hold ends, and a dead holder's slot is free again once its lease expires. The gate
// in front of Dispatch defers (or, failing open, runs) when the table is down or throttling.

#include "worker/concurrency_slots.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "core/json.h"
#include "support/dynalite_process.h"
#include "support/eventually.h"
#include "support/racing_threads.h"
#include "support/fake_http_server.h"
#include "support/fauxqs_process.h"
#include "worker/limit_gate.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

std::chrono::sys_seconds seconds_now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

class ConcurrencySlotsTest : public ::testing::Test {
 protected:
  DynaliteProcess dynalite_;
  std::shared_ptr<const LeaseTable> table_ = dynalite_.table("limits");
  ConcurrencySlots here_{table_, "worker-a"};
  ConcurrencySlots there_{table_, "worker-b"};
};

TEST_F(ConcurrencySlotsTest, AtMostMaxRunsOfAKeyHoldASlot) {
  const ConcurrencyLimit two{.max = 2, .lease = 30s};
  auto first = here_.take("SyncJob", "acct-1", two);
  auto second = there_.take("SyncJob", "acct-1", two);
  ASSERT_TRUE(first && *first) << (first ? "no slot" : first.error().describe());
  ASSERT_TRUE(second && *second);
  EXPECT_NE((*first)->key(), (*second)->key());
  auto third = here_.take("SyncJob", "acct-1", two);
  ASSERT_TRUE(third);
  EXPECT_FALSE(*third) << "a third run of acct-1 took " << (*third)->key();
  // Per key, and per class.
  auto other_key = here_.take("SyncJob", "acct-2", two);
  ASSERT_TRUE(other_key && *other_key);
  auto other_class = here_.take("OtherJob", "acct-1", two);
  ASSERT_TRUE(other_class && *other_class);
  // A run ends: its slot is deleted and free at once.
  const std::string freed = (*first)->key();
  first->reset();
  EXPECT_FALSE(*table_->read(freed));
  auto again = there_.take("SyncJob", "acct-1", two);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->key(), freed);
}

TEST_F(ConcurrencySlotsTest, ThreadsRacingForOneSlotGetItOnce) {
  constexpr int kThreads = 8;
  const ConcurrencyLimit one{.max = 1, .lease = 30s};
  const auto taken = racing_threads(kThreads, [&](int i) { return (i % 2 ? here_ : there_).take("SyncJob", "acct-1", one); });
  int held = 0;
  for (const auto& t : taken) {
    ASSERT_TRUE(t) << t.error().describe();
    held += *t ? 1 : 0;
  }
  EXPECT_EQ(held, 1);
}

TEST_F(ConcurrencySlotsTest, AHeldSlotIsRenewedPastItsLease) {
  const ConcurrencyLimit one{.max = 1, .lease = 3s};  // renewed each second
  auto held = here_.take("SyncJob", "acct-1", one);
  ASSERT_TRUE(held && *held);
  const std::string key = (*held)->key();
  const auto first_expiry = (*table_->read(key))->expires_at;
  EXPECT_TRUE(eventually([&] { return (*table_->read(key))->expires_at > first_expiry; }, 5s))
      << "the slot was not renewed";
  std::this_thread::sleep_for(1s);  // past the lease it was taken with: still held
  auto other = there_.take("SyncJob", "acct-1", one);
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other) << "a renewed slot was taken over";
}

TEST_F(ConcurrencySlotsTest, ADeadHoldersSlotIsFreeOnceItsLeaseExpires) {
  // A worker that died mid-run: its slot written, never renewed, never deleted.
  const auto now = seconds_now();
  ASSERT_TRUE(*table_->take(slot_key("SyncJob", "acct-1", 0), "dead-worker/1", now, now + 2s));
  const ConcurrencyLimit one{.max = 1, .lease = 30s};
  auto refused = here_.take("SyncJob", "acct-1", one);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(*refused);
  std::unique_ptr<HeldLease> held;
  EXPECT_TRUE(eventually(
      [&] {
        auto taken = here_.take("SyncJob", "acct-1", one);
        if (taken && *taken) held = std::move(taken).value();
        return held != nullptr;
      },
      6s))
      << "the dead holder's slot was not taken over after its lease";
  EXPECT_LE(seconds_now(), now + 4s) << "taken over late";
}

rapidjson::Document empty_arguments() { return parse_json("[]").value(); }

TEST_F(ConcurrencySlotsTest, TheGateDefersWhenTheTableIsDownAndRunsWhenItFailsOpen) {
  const LimitGate gate(std::make_shared<const ConcurrencySlots>(table_, "worker-a"),
                       std::make_shared<const RateSlots>(dynalite_.client(), "limits", "worker-a"));
  const auto args = empty_arguments();
  const JobOptions closed{.concurrency = {.max = 1}};
  const JobOptions open{.concurrency = {.max = 1, .fail_open = true}};
  LimitAdmission first = gate.admit("SyncJob", closed, args);
  ASSERT_EQ(first.verdict, LimitAdmission::Verdict::run);
  EXPECT_TRUE(first.slot);
  const LimitAdmission busy = gate.admit("SyncJob", closed, args);
  EXPECT_EQ(busy.verdict, LimitAdmission::Verdict::deferred);
  EXPECT_NE(busy.reason.find("limited: SyncJob * has its 1 runs at once"), std::string::npos) << busy.reason;

  dynalite_.kill();
  const LimitAdmission down = gate.admit("SyncJob", closed, args);
  EXPECT_EQ(down.verdict, LimitAdmission::Verdict::deferred);
  EXPECT_NE(down.reason.find("limits table unreachable"), std::string::npos) << down.reason;
  const LimitAdmission unlimited = gate.admit("SyncJob", open, args);
  EXPECT_EQ(unlimited.verdict, LimitAdmission::Verdict::run);
  EXPECT_FALSE(unlimited.slot);
  first.slot.reset();  // its hand-back fails (logged): the slot would expire within its lease
}

TEST(ConcurrencySlotsThrottled, TheGateDefersWhileTheTableThrottles) {
  FakeHttpServer throttling([](const Request&) {
    Response r{400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"})",
               "", {}, ""};
    r.headers.add("Content-Type", "application/x-amz-json-1.0");
    return r;
  });
  DynamoClientOptions options;
  options.credentials = fauxqs_credentials();
  options.endpoint = {throttling.url() + "/", "us-east-1"};
  options.retry = {.max_attempts = 2, .base_delay = 1ms, .max_delay = 2ms};
  auto dynamo = std::make_shared<const DynamoClient>(std::move(options));
  const LimitGate gate(std::make_shared<const ConcurrencySlots>(std::make_shared<const LeaseTable>(dynamo, "limits"), "worker-a"),
                       std::make_shared<const RateSlots>(dynamo, "limits", "worker-a"));
  const auto args = empty_arguments();
  const LimitAdmission throttled = gate.admit("SyncJob", {.concurrency = {.max = 2}}, args);
  EXPECT_EQ(throttled.verdict, LimitAdmission::Verdict::deferred);
  EXPECT_NE(throttled.reason.find("ProvisionedThroughputExceeded"), std::string::npos) << throttled.reason;
  EXPECT_EQ(gate.admit("SyncJob", {.concurrency = {.max = 2, .fail_open = true}}, args).verdict,
            LimitAdmission::Verdict::run);
  EXPECT_EQ(gate.admit("SyncJob", {.rate = {.max = 2}}, args).verdict, LimitAdmission::Verdict::deferred);
  EXPECT_EQ(gate.admit("SyncJob", {.rate = {.max = 2, .fail_open = true}}, args).verdict, LimitAdmission::Verdict::run);
}

}  // namespace
}  // namespace ebworker::testing
