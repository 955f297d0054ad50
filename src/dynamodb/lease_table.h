#pragma once
// The coordination table many daemons and workers share (docs/scaling.md): partition key `pk`
// (S), and on every item `holder` (S, who holds it) and `expires_at` (N, epoch seconds: the
// table's TTL attribute, so DynamoDB deletes what nobody cleans up). Its items:
//   leader#<queue name>               the cron leader of a queue (a lease, renewed)
//   run#<task name>#<ISO time>        one scheduled run, claimed by the daemon that sends it
//   lock#<task name>                  an exclusive periodic task's run in progress (a lease)
//   slot#<job class>#<key>#<n>        slot n of a concurrency limit, held by one run (a lease)
//   rate#<job class>#<key>#<n>        slot n of a rate limit, used by the run that started last in
//                                     it until its free_at_ms (N, epoch milliseconds)
//   unique#<key>                      a unique job's claim at enqueue, for its window
//   ran#<key>                         a unique job's run completed, for its window after
//   debounce#<key>                    the job id of a debounced key's last enqueue (the one to run),
//                                     or ran:<job id> once that one's run completed
//
// A conditional write whose answer was lost and that the retry then sees fail (its own first
// attempt already made the change) is read back: when the item's holder is the writer's, it
// counts as won. So a holder must be unique to the writer that may not win twice (a run's claim
// carries a token of its own).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dynamodb/dynamodb_client.h"

namespace ebworker {

std::string leader_key(std::string_view queue_name);
std::string run_key(std::string_view task_name, std::chrono::sys_seconds scheduled);
std::string lock_key(std::string_view task_name);
// `limit_key` is the limit's key as concurrency_slots.h makes it (bounded, no '#' ambiguity).
std::string slot_key(std::string_view job_class, std::string_view limit_key, int slot);
std::string rate_key(std::string_view job_class, std::string_view limit_key, int slot);
std::string unique_claim_key(std::string_view unique_key);
std::string unique_ran_key(std::string_view unique_key);
std::string debounce_key(std::string_view debounce_key);

// "HOST:PID:RANDOM": one process, told apart from a restarted one with the same pid.
std::string make_holder_id();
// 16 random hex digits, for a token of one claim or run.
std::string random_token();

struct Lease {
  std::string holder{};
  std::chrono::sys_seconds expires_at{};
};

// The lease an item holds. Every writer here puts both attributes: an item without them, or with
// an expiry that is not whole epoch seconds, was written by someone else and is an error, never a
// lease that ran out in 1970.
Result<Lease> lease_from_item(const Item& item);

class LeaseTable {
 public:
  using Time = std::chrono::sys_seconds;

  LeaseTable(std::shared_ptr<const DynamoClient> dynamo, std::string table);
  const std::string& name() const { return table_; }

  // DescribeTable; with `create`, a missing table is created (CreateTable, pk S, per request)
  // and waited for until ACTIVE, at most `wait`. Errors say what to do.
  Status ensure_ready(bool create, std::chrono::milliseconds wait = std::chrono::seconds(60)) const;

  // Takes `key` for `holder` until `until` when it is absent, expired at `now` (expires_at <
  // now), or already `holder`'s. True: ours; false: another's, unexpired.
  AwsResult<bool> take(std::string_view key, std::string_view holder, Time now, Time until) const;
  // Moves the expiry of `key` to `until` if `holder` still holds it. False: it does not.
  AwsResult<bool> renew(std::string_view key, std::string_view holder, Time until) const;
  // Creates `key` for `holder` only if it does not exist. False: someone has it.
  AwsResult<bool> claim(std::string_view key, std::string_view holder, Time until) const;
  // Puts `key` for `holder` until `until` whoever held it.
  AwsResult<void> overwrite(std::string_view key, std::string_view holder, Time until) const;
  // Hands `key` from `holder` to `successor`, its expiry unchanged. False: `holder` did not hold it.
  AwsResult<bool> hand_over(std::string_view key, std::string_view holder, std::string_view successor) const;
  // Deletes `key` if `holder` holds it. False: it was not `holder`'s (or not there).
  AwsResult<bool> release(std::string_view key, std::string_view holder) const;
  // Nullopt when there is no such item; an item lease_from_item refuses is an error (kind server).
  AwsResult<std::optional<Lease>> read(std::string_view key) const;

 private:
  // After a failed condition: is `holder` the item's holder anyway (a retried write's first
  // attempt took effect)?
  AwsResult<bool> held_by(std::string_view key, std::string_view holder) const;
  // Puts `key` held by `holder` until `until` where `condition` allows: take() and claim().
  AwsResult<bool> put_held(std::string_view key, std::string_view holder, Time until,
                           const Condition& condition) const;

  std::shared_ptr<const DynamoClient> dynamo_;
  std::string table_;
};

}  // namespace ebworker
