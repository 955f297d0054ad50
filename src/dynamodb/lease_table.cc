#include "dynamodb/lease_table.h"

#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <random>
#include <thread>

#include "core/hex.h"
#include "core/iso_time.h"

namespace ebworker {

namespace {

constexpr const char* kKey = "pk";
constexpr const char* kHolder = "holder";
constexpr const char* kExpiresAt = "expires_at";

long long epoch(std::chrono::sys_seconds t) { return t.time_since_epoch().count(); }

Item key_of(std::string_view key) { return {{kKey, AttributeValue::s(std::string(key))}}; }

// #pk, #h and #e stand for the attribute names in every expression: none may clash with one of
// DynamoDB's reserved words.
const std::map<std::string, std::string>& names() {
  static const std::map<std::string, std::string> n = {{"#pk", kKey}, {"#h", kHolder}, {"#e", kExpiresAt}};
  return n;
}

}  // namespace

std::string leader_key(std::string_view queue_name) { return "leader#" + std::string(queue_name); }

std::string run_key(std::string_view task_name, std::chrono::sys_seconds scheduled) {
  return "run#" + std::string(task_name) + "#" + iso8601_utc_seconds(scheduled);
}

std::string lock_key(std::string_view task_name) { return "lock#" + std::string(task_name); }

std::string rate_key(std::string_view job_class, std::string_view limit_key, int slot) {
  return "rate#" + std::string(job_class) + "#" + std::string(limit_key) + "#" + std::to_string(slot);
}

std::string unique_claim_key(std::string_view unique_key) { return "unique#" + std::string(unique_key); }

std::string unique_ran_key(std::string_view unique_key) { return "ran#" + std::string(unique_key); }

std::string debounce_key(std::string_view debounce_key) { return "debounce#" + std::string(debounce_key); }

std::string slot_key(std::string_view job_class, std::string_view limit_key, int slot) {
  return "slot#" + std::string(job_class) + "#" + std::string(limit_key) + "#" + std::to_string(slot);
}

std::string random_token() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  const std::uint64_t bits = engine();
  unsigned char bytes[sizeof bits];
  std::memcpy(bytes, &bits, sizeof bits);
  return to_hex(bytes, sizeof bytes);
}

std::string make_holder_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "unknown-host") + ":" + std::to_string(getpid()) + ":" + random_token();
}

LeaseTable::LeaseTable(std::shared_ptr<const DynamoClient> dynamo, std::string table)
    : dynamo_(std::move(dynamo)), table_(std::move(table)) {}

Status LeaseTable::ensure_ready(bool create, std::chrono::milliseconds wait) const {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto status = dynamo_->describe_table(table_);
  if (!status && status.error().code == "ResourceNotFoundException") {
    if (!create)
      return fail("DynamoDB table " + table_ + " does not exist (create it with partition key pk, type S)");
    auto created = dynamo_->create_table(table_, kKey);
    // Another daemon may have created it between our DescribeTable and CreateTable.
    if (!created && created.error().code != "ResourceInUseException")
      return fail("cannot create DynamoDB table " + table_ + ": " + created.error().describe());
    status = dynamo_->describe_table(table_);
  }
  while (status && *status != "ACTIVE" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // DynamoDB offers no wait-for-ACTIVE call
    status = dynamo_->describe_table(table_);
  }
  if (!status) return fail("cannot use DynamoDB table " + table_ + ": " + status.error().describe());
  if (*status != "ACTIVE")
    return fail("DynamoDB table " + table_ + " is " + *status + ", not ACTIVE, after " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) + " s");
  return {};
}

AwsResult<bool> LeaseTable::held_by(std::string_view key, std::string_view holder) const {
  auto lease = read(key);
  if (!lease) return Unexpected{lease.error()};
  return *lease && (*lease)->holder == holder;
}

AwsResult<bool> LeaseTable::take(std::string_view key, std::string_view holder, Time now, Time until) const {
  return put_held(key, holder, until,
                  {"attribute_not_exists(#pk) OR #e < :now OR #h = :me", names(),
                   {{":now", AttributeValue::n(epoch(now))}, {":me", AttributeValue::s(std::string(holder))}}});
}

AwsResult<bool> LeaseTable::renew(std::string_view key, std::string_view holder, Time until) const {
  Condition c{"#h = :me", {{"#h", kHolder}, {"#e", kExpiresAt}},
              {{":me", AttributeValue::s(std::string(holder))}, {":until", AttributeValue::n(epoch(until))}}};
  auto updated = dynamo_->update_item(table_, key_of(key), "SET #e = :until", c);
  if (!updated) return Unexpected{updated.error()};
  return *updated == WriteOutcome::written;  // a lost answer's retry succeeds again: same holder
}

AwsResult<bool> LeaseTable::claim(std::string_view key, std::string_view holder, Time until) const {
  return put_held(key, holder, until, {"attribute_not_exists(#pk)", {{"#pk", kKey}}, {}});
}

AwsResult<bool> LeaseTable::put_held(std::string_view key, std::string_view holder, Time until,
                                     const Condition& condition) const {
  auto put = dynamo_->put_item(table_,
                               {{kKey, AttributeValue::s(std::string(key))},
                                {kHolder, AttributeValue::s(std::string(holder))},
                                {kExpiresAt, AttributeValue::n(epoch(until))}},
                               condition);
  if (!put) return Unexpected{put.error()};
  if (*put == WriteOutcome::written) return true;
  return held_by(key, holder);  // a lost answer's retry finds our own item: won
}

AwsResult<void> LeaseTable::overwrite(std::string_view key, std::string_view holder, Time until) const {
  auto put = put_held(key, holder, until, {});
  if (!put) return Unexpected{put.error()};
  return {};
}

AwsResult<bool> LeaseTable::hand_over(std::string_view key, std::string_view holder, std::string_view successor) const {
  Condition c{"#h = :me", {{"#h", kHolder}},
              {{":me", AttributeValue::s(std::string(holder))}, {":next", AttributeValue::s(std::string(successor))}}};
  auto updated = dynamo_->update_item(table_, key_of(key), "SET #h = :next", c);
  if (!updated) return Unexpected{updated.error()};
  if (*updated == WriteOutcome::written) return true;
  return held_by(key, successor);  // a lost answer's retry finds it handed over already
}

AwsResult<bool> LeaseTable::release(std::string_view key, std::string_view holder) const {
  Condition c{"#h = :me", {{"#h", kHolder}}, {{":me", AttributeValue::s(std::string(holder))}}};
  auto deleted = dynamo_->delete_item(table_, key_of(key), c);
  if (!deleted) return Unexpected{deleted.error()};
  return *deleted == WriteOutcome::written;
}

Result<Lease> lease_from_item(const Item& item) {
  const auto h = item.find(kHolder);
  if (h == item.end() || h->second.type != AttributeValue::Type::string) return fail("no holder (S)");
  const auto e = item.find(kExpiresAt);
  if (e == item.end() || e->second.type != AttributeValue::Type::number) return fail("no expires_at (N)");
  const std::string& text = e->second.value;
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size())
    return fail("expires_at \"" + text.substr(0, 40) + "\" is not whole epoch seconds");
  return Lease{h->second.value, LeaseTable::Time(std::chrono::seconds(seconds))};
}

AwsResult<std::optional<Lease>> LeaseTable::read(std::string_view key) const {
  auto item = dynamo_->get_item(table_, key_of(key));
  if (!item) return Unexpected{item.error()};
  if (!*item) return std::optional<Lease>();
  auto lease = lease_from_item(**item);
  if (!lease) {
    AwsError e;
    e.kind = AwsErrorKind::server;
    e.service = std::string(kDynamoDb.name);
    e.http_status = 200;
    e.message = "unreadable lease " + std::string(key) + ": " + lease.error().message;
    e.context = "GetItem " + table_;
    return Unexpected{std::move(e)};
  }
  return std::optional<Lease>(std::move(lease).value());
}

}  // namespace ebworker
