#include "worker/concurrency_slots.h"

#include <openssl/sha.h>

#include <random>

#include "core/hex.h"

namespace ebworker {

namespace {

constexpr std::size_t kLongestKey = 200;

int random_below(int n) {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_int_distribution<int>(0, n - 1)(engine);
}

}  // namespace

std::string limit_key(LimitKeyFunction key_of, const rapidjson::Value& arguments) {
  if (!key_of) return "*";
  std::string key = key_of(arguments);
  if (key.size() <= kLongestKey) return key;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  return "sha256:" + to_hex(digest, sizeof digest);
}

ConcurrencySlots::ConcurrencySlots(std::shared_ptr<const LeaseTable> table, std::string holder)
    : table_(std::move(table)), holder_(std::move(holder)) {}

AwsResult<std::unique_ptr<HeldLease>> ConcurrencySlots::take(std::string_view job_class, std::string_view key,
                                                              const ConcurrencyLimit& limit) const {
  std::string holder = holder_ + "/" + random_token();  // a token per run: two runs here are two holders
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const int first = random_below(limit.max);
  for (int i = 0; i < limit.max; ++i) {
    std::string slot = slot_key(job_class, key, (first + i) % limit.max);
    auto taken = table_->take(slot, holder, now, now + limit.lease);
    if (!taken) return Unexpected{taken.error()};
    if (*taken) return std::make_unique<HeldLease>(table_, std::move(slot), std::move(holder), limit.lease);
  }
  return std::unique_ptr<HeldLease>();
}

}  // namespace ebworker
