#include "worker/rate_slots.h"

#include <random>

#include "dynamodb/lease_table.h"

namespace ebworker {

namespace {

int random_start(int n) {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_int_distribution<int>(0, n - 1)(engine);
}

}  // namespace

RateSlots::RateSlots(std::shared_ptr<const DynamoClient> dynamo, std::string table, std::string holder)
    : dynamo_(std::move(dynamo)), table_(std::move(table)), holder_(std::move(holder)) {}

AwsResult<bool> RateSlots::take(std::string_view job_class, std::string_view key, const RateLimit& limit,
                                std::chrono::system_clock::time_point now) const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const long long now_ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  const long long free_at = now_ms + limit.per.count();
  const Condition free{"attribute_not_exists(#pk) OR #f <= :now",
                       {{"#pk", "pk"}, {"#f", "free_at_ms"}},
                       {{":now", AttributeValue::n(now_ms)}}};
  const int first = random_start(limit.max);
  for (int i = 0; i < limit.max; ++i) {
    auto put = dynamo_->put_item(table_,
                                 {{"pk", AttributeValue::s(rate_key(job_class, key, (first + i) % limit.max))},
                                  {"holder", AttributeValue::s(holder_)},
                                  {"free_at_ms", AttributeValue::n(free_at)},
                                  {"expires_at", AttributeValue::n(free_at / 1000 + 1)}},
                                 free);
    if (!put) return Unexpected{put.error()};
    if (*put == WriteOutcome::written) return true;
  }
  return false;
}

}  // namespace ebworker
