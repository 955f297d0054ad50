// Leader election under ThreadSanitizer, against dynalite: three elections on their own threads
// (2 s leases, a try every 0.67 s) while another thread reads leading() of each; the leader stops
// (hands the lease back) and another takes over; then a leader whose DynamoDB stops answering (a
// proxy that drops every request) keeps leading only until its lease runs out, and another takes
// over. At no time do two count themselves leader.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "dynamodb/lease_table.h"
#include "e2e/support/local_stack.h"
#include "sqsd/leader_election.h"
#include "support/chaos_proxy.h"
#include "support/dynalite_process.h"
#include "support/fauxqs_process.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class LeaderElectionRace : public ::testing::Test {
 protected:
  // A lease table on dynalite reached through `proxy`.
  std::shared_ptr<const LeaseTable> table_through(const ChaosProxy& proxy) const {
    DynamoClientOptions options;
    options.credentials = fauxqs_credentials();  // static keys: dynalite checks none
    options.endpoint = {proxy.url() + "/", "us-east-1"};
    options.retry.max_attempts = 1;
    options.request_timeout = 1s;
    return std::make_shared<LeaseTable>(std::make_shared<DynamoClient>(std::move(options)), "leases");
  }

  // Samples every election's leading() on a thread of its own until stopped (or destroyed,
  // which the caller does before the elections go).
  std::jthread watch(const std::vector<LeaderElection*>& elections) {
    return std::jthread([this, elections](std::stop_token stop) {
      for (int i = 0; i < 100'000 && !stop.stop_requested(); ++i) {
        const auto leaders = [&] {
          std::vector<size_t> out;
          for (size_t e = 0; e < elections.size(); ++e)
            if (elections[e]->leading()) out.push_back(e);
          return out;
        };
        // Two reads in a row, so a lease that ran out between two reads of one sweep is not
        // counted: only two leaders seen twice over is an overlap.
        if (const auto first = leaders(); first.size() > 1 && leaders() == first && ++overlaps_ == 1) {
          // What the table said then, for the failure message (read after the join).
          const auto lease = table_->read(leader_key("race-queue"));
          first_overlap_ = "elections " + std::to_string(first[0]) + " and " + std::to_string(first[1]) +
                           "; the table's holder: " +
                           (lease && *lease ? (*lease)->holder : std::string(lease ? "none" : "unread"));
        }
        std::this_thread::sleep_for(2ms);
      }
    });
  }
  static std::optional<size_t> leader_of(const std::vector<LeaderElection*>& elections) {
    for (size_t e = 0; e < elections.size(); ++e)
      if (elections[e]->leading()) return e;
    return std::nullopt;
  }

  DynaliteProcess dynalite_;
  std::shared_ptr<const LeaseTable> table_ = dynalite_.table("leases");
  std::atomic<int> overlaps_{0};
  std::string first_overlap_;  // written by the sampler only
};

TEST_F(LeaderElectionRace, OneLeaderAtATimeThroughAHandOverAndADeadDynamo) {
  // Each election's DynamoDB through a proxy of its own, to be silenced one at a time.
  std::vector<std::unique_ptr<ChaosProxy>> proxies;
  std::vector<std::unique_ptr<LeaderElection>> owned;
  std::vector<LeaderElection*> elections;
  std::atomic<int> acquired{0};
  for (int i = 0; i < 3; ++i) {
    const auto url = dynalite_.endpoint();  // "http://127.0.0.1:PORT/"
    const auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
    proxies.push_back(std::make_unique<ChaosProxy>("127.0.0.1", port, ChaosRates{}, 7 + i));
    owned.push_back(std::make_unique<LeaderElection>(table_through(*proxies.back()), "race-queue",
                                                     "holder-" + std::to_string(i), 2s, [&] { ++acquired; }));
    elections.push_back(owned.back().get());
  }
  std::jthread sampler = watch(elections);
  for (auto& e : owned) e->start();

  std::optional<size_t> first, second, third;
  ASSERT_TRUE(eventually([&] { return (first = leader_of(elections)).has_value(); }, 5s));
  // The leader stops: it hands the lease back, another takes it at its next try.
  owned[*first]->stop();
  ASSERT_TRUE(eventually([&] { return (second = leader_of(elections)).has_value(); }, 5s));
  EXPECT_NE(*second, *first);
  // The new leader's DynamoDB stops answering: it leads until its lease runs out, then the
  // third takes over once the lease has expired in the table.
  ChaosRates silent;
  silent.drop_before = 1.0;
  proxies[*second]->set_rates(silent);
  ASSERT_TRUE(eventually([&] { return !elections[*second]->leading(); }, 5s));
  ASSERT_TRUE(eventually([&] { return (third = leader_of(elections)).has_value(); }, 6s));
  EXPECT_NE(*third, *first);
  EXPECT_NE(*third, *second);
  sampler.request_stop();
  sampler.join();
  for (auto& e : owned) e->stop();

  EXPECT_EQ(overlaps_.load(), 0) << "two elections counted themselves leader at once: " << first_overlap_;
  EXPECT_EQ(acquired.load(), 3);
  EXPECT_GT(proxies[*second]->counts().of(ChaosFault::drop_before), 0u);
}

}  // namespace
}  // namespace ebworker::testing
