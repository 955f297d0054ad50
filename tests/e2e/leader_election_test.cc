// Many daemons on one queue, end to end: three `ebworker sqsd --leader dynamodb:T` on one fauxqs
// queue, with dynalite as DynamoDB and an every-minute task read in seconds
// (EBWORKER_SQSD_CRON_SECONDS=1, so a run is due each second). One daemon is elected and sends;
// it is killed (SIGKILL) mid-run; another takes over within the lease and catches up the runs
// the dead leader left unsent. Every scheduled second from the first run to the last checked is
// sent exactly once (one SQS message, whatever number of posts its redeliveries make), but for
// the one the leader may have claimed and not yet sent when it was killed. And at no
// moment of the whole run, stop included, do two daemons lead at once (by their own log lines).

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <utility>
#include <vector>
#include <map>
#include <mutex>
#include <set>

#include "core/iso_time.h"
#include "dynamodb/lease_table.h"
#include "e2e/support/local_stack.h"
#include "support/dynalite_process.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {
namespace {

using Time = std::chrono::sys_seconds;

class ManyDaemons : public LocalStackTest {
 protected:
  // Scheduled time → the ids of the SQS messages that carried that run.
  std::map<Time, std::set<std::string>> runs() const {
    std::map<Time, std::set<std::string>> out;
    for (const auto& r : capture_.requests()) add(out, r.headers.get("X-Aws-Sqsd-Scheduled-At"), r.headers.get("X-Aws-Sqsd-Msgid"));
    std::lock_guard lock(mutex_);
    for (const auto& [when, ids] : left_in_queue_)
      for (const auto& id : ids) out[when].insert(id);
    return out;
  }
  static void add(std::map<Time, std::set<std::string>>& out, std::string_view when, std::string_view id) {
    if (auto t = parse_iso8601_utc(when)) out[*t].insert(std::string(id));
  }
  // The index of the daemon whose log says it leads now (its last leader line is "acquired").
  std::optional<size_t> leader(const std::set<size_t>& among) const {
    for (size_t i : among) {
      const std::string log = sqsd_log(i);
      const auto acquired = log.rfind("leader acquired");
      if (acquired != std::string::npos && (log.rfind("leader lost") == std::string::npos ||
                                            log.rfind("leader lost") < acquired))
        return i;
    }
    return std::nullopt;
  }
  // The holder id a daemon's log names when it is elected ("leader acquired: HOLDER holds …").
  std::string holder_of(size_t daemon) const {
    const auto lines = lines_with(sqsd_log(daemon), {" leader acquired: "});
    if (lines.empty()) return "";
    const std::string& line = lines.front();
    const auto from = line.find(" leader acquired: ") + 18;
    return line.substr(from, line.find(' ', from) - from);
  }
  static Time now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

  // One daemon's time as leader, by its own log: from its "leader acquired" line to the time its
  // next "leader lost" line says it stopped ("since T": a renewal may have outlasted the lease),
  // or to `end` when it has none (killed, or still leading).
  struct Term {
    size_t daemon;
    std::chrono::system_clock::time_point from, to;
  };
  // A log line's time, or the time at the start of `text`: "2031-03-04T05:06:07.123Z …".
  static std::optional<std::chrono::system_clock::time_point> line_time(std::string_view line) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
    if (std::sscanf(std::string(line.substr(0, 24)).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi, &sec,
                    &ms) != 7)
      return std::nullopt;
    const std::chrono::sys_days day = std::chrono::year{y} / mo / d;
    return day + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(sec) +
           std::chrono::milliseconds(ms);
  }
  std::vector<Term> terms(size_t daemon, std::chrono::system_clock::time_point end) const {
    std::vector<Term> out;
    std::optional<std::chrono::system_clock::time_point> began;
    for (const auto& line : lines_with(sqsd_log(daemon), {"leader "})) {
      const bool acquired = line.find(" leader acquired: ") != std::string::npos;
      const bool lost = line.find(" leader lost: ") != std::string::npos;
      if (!acquired && !lost) continue;
      const auto at = line_time(line);
      if (!at) {
        ADD_FAILURE() << "no time in: " << line;
        continue;
      }
      if (acquired && !began) began = at;
      const auto said = line.find(" since ");
      const auto ended = said == std::string::npos ? std::nullopt : line_time(std::string_view(line).substr(said + 7));
      if (lost && !ended) ADD_FAILURE() << "no \"since\" time in: " << line;
      if (lost && began) out.push_back({daemon, *std::exchange(began, std::nullopt), ended.value_or(*at)});
    }
    if (began) out.push_back({daemon, *began, end});
    return out;
  }

  DynaliteProcess dynalite_;
  FakeHttpServer capture_{[](const Request&) { return Response::ok(); }};
  mutable std::mutex mutex_;
  std::map<Time, std::set<std::string>> left_in_queue_;
};

TEST_F(ManyDaemons, EveryScheduledRunIsSentOnceAcrossAKilledLeader) {
  const std::string queue = create_queue("elected");
  write_file(dir_ / "cron.yaml",
             "version: 1\ncron:\n  - name: \"EchoJob\"\n    url: \"/periodic_tasks\"\n    schedule: \"* * * * *\"\n");
  const std::vector<std::string> args = {"--leader", "dynamodb:ebworker-leases", "--create-leader-table",
                                         "--leader-lease", "3", "--cron-file", (dir_ / "cron.yaml").string(),
                                         "--visibility-timeout", "2", "--error-visibility-timeout", "0"};
  const EnvChanges env = {{"AWS_ENDPOINT_URL_DYNAMODB", dynalite_.endpoint()},
                          {"AWS_REGION", "us-east-1"},
                          {"EBWORKER_SQSD_CRON_SECONDS", "1"}};
  for (int i = 0; i < 3; ++i) start_sqsd(queue, capture_.url(), args, env);
  std::set<size_t> alive = {0, 1, 2};
  const auto logs = [&] {
    std::string all;
    for (size_t i = 0; i < 3; ++i) all += "--- sqsd " + std::to_string(i) + ":\n" + sqsd_log(i);
    return all;
  };

  std::optional<size_t> first;
  ASSERT_TRUE(eventually([&] { return (first = leader(alive)).has_value(); }, 5s)) << logs();
  ASSERT_TRUE(eventually([&] { return runs().size() >= 3; }, 8s)) << logs();

  // The leader dies mid-run, between two renewals.
  sqsds_[*first]->kill_and_reap();
  const auto killed_at = std::chrono::system_clock::now();  // its term ends here at the latest
  alive.erase(*first);
  const Time killed = now();
  std::optional<size_t> second;
  ASSERT_TRUE(eventually([&] { return (second = leader(alive)).has_value(); }, 8s)) << logs();
  const auto took_over = std::chrono::duration_cast<std::chrono::seconds>(now() - killed);
  // Within the lease: at most 3 s for the lease to run out, 1 s to the next try, 1 s of rounding.
  EXPECT_LE(took_over.count(), 5) << logs();

  // A few more runs by the new leader, then the daemons stop and what they left is counted.
  const Time until = now() + 3s;
  ASSERT_TRUE(eventually([&] { return !runs().empty() && runs().rbegin()->first >= until; }, 8s)) << logs();
  for (size_t i : alive) {
    sqsds_[i]->send_signal(SIGTERM);
    ASSERT_TRUE(sqsds_[i]->wait_for_exit(15s)) << logs();
  }
  // Unposted messages (the killed daemon's in flight come back after the 2 s visibility).
  EXPECT_TRUE(eventually([&] {
    auto got = fauxqs_.sqs().receive_messages(queue, {.max_messages = 10, .wait_seconds = 0});
    if (got) {
      std::lock_guard lock(mutex_);
      for (const auto& m : *got) {
        // "2031-03-04 05:06:07 UTC", as the leader writes it.
        if (const MessageAttribute* a = m.attribute("beanstalk.sqsd.scheduled_time"); a && a->value.size() >= 19)
          add(left_in_queue_, a->value.substr(0, 10) + "T" + a->value.substr(11, 8) + "Z", m.message_id);
        (void)fauxqs_.sqs().delete_message(queue, m.receipt_handle);
      }
    }
    return messages_in(queue) == 0;
  }, 10s));

  const auto sent = runs();
  ASSERT_FALSE(sent.empty());
  const Time from = sent.begin()->first;
  ASSERT_GT(until, killed);
  // A run may go unsent only as docs/scaling.md says: claimed by the leader killed between its
  // claim and its send (at most once for that run), so the claim in the table is the dead one's.
  const std::string dead_holder = holder_of(*first);
  ASSERT_FALSE(dead_holder.empty()) << logs();
  const auto table = dynalite_.table("ebworker-leases");
  int unsent = 0;
  for (Time t = from; t <= until; t += 1s) {
    const auto it = sent.find(t);
    if (it == sent.end()) {
      const auto claim = table->read(run_key("EchoJob", t));
      const bool dead_ones = claim && *claim && (*claim)->holder.starts_with(dead_holder + "/");
      EXPECT_TRUE(dead_ones && ++unsent == 1)
          << "the run due " << iso8601_utc_seconds(t) << " was never sent (killed at " << iso8601_utc_seconds(killed)
          << "), and its claim is not the killed leader's one run in flight\n" << logs();
      continue;
    }
    EXPECT_EQ(it->second.size(), 1u) << "the run due " << iso8601_utc_seconds(t) << " was sent "
                                     << it->second.size() << " times\n" << logs();
  }
  // At most one daemon led at any moment of the whole run, by their own logs: no two terms of
  // different daemons overlap (the killed one's ends at its kill).
  std::vector<Term> all;
  for (size_t i = 0; i < 3; ++i)
    for (const Term& t : terms(i, i == *first ? killed_at : std::chrono::system_clock::now())) all.push_back(t);
  ASSERT_GE(all.size(), 2u) << "fewer than two terms: the test shows nothing\n" << logs();
  std::sort(all.begin(), all.end(), [](const Term& a, const Term& b) { return a.from < b.from; });
  const Term* latest = &all.front();  // of the terms begun so far, the one that ends last
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LE(latest->to, all[i].from)
        << "daemons " << latest->daemon << " and " << all[i].daemon << " led at once\n" << logs();
    if (all[i].to > latest->to) latest = &all[i];
  }

  // The new leader's catch-up found the runs the old one had sent already claimed.
  EXPECT_NE(sqsd_log(*second).find("claimed by another daemon, not sent"), std::string::npos) << logs();
}

}  // namespace
}  // namespace ebworker::testing
