#include "aws/retry_policy.h"

#include <algorithm>
#include <random>
#include <thread>

namespace ebworker {

namespace {

double default_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

RetryPolicy::RetryPolicy(RetrySettings settings, RetryHooks hooks)
    : settings_(settings), hooks_(std::move(hooks)) {
  settings_.max_attempts = std::max(settings_.max_attempts, 1);
  settings_.base_delay = std::max(settings_.base_delay, std::chrono::milliseconds(0));
  settings_.max_delay = std::max(settings_.max_delay, settings_.base_delay);
  settings_.budget = std::max(settings_.budget, std::chrono::milliseconds(1));
  if (!hooks_.sleep) hooks_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!hooks_.random) hooks_.random = default_random;
  if (!hooks_.now) hooks_.now = [] { return std::chrono::steady_clock::now(); };
}

std::chrono::milliseconds RetryPolicy::ceiling(int retry) const {
  // Doubling stops at the cap; the shift stays small enough never to overflow.
  const auto base = settings_.base_delay.count();
  const auto cap = settings_.max_delay.count();
  long long delay = base;
  for (int i = 1; i < retry && delay < cap; ++i) delay *= 2;
  return std::chrono::milliseconds(std::min<long long>(delay, cap));
}

RetryPolicy::Attempts::Attempts(const RetryPolicy& policy)
    : policy_(&policy), started_(policy.hooks_.now()) {}

std::chrono::milliseconds RetryPolicy::Attempts::remaining() const {
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(policy_->hooks_.now() - started_);
  return std::max(policy_->settings_.budget - elapsed, std::chrono::milliseconds(0));
}

bool RetryPolicy::Attempts::wait_before_retry() {
  if (made_ >= policy_->settings_.max_attempts) return false;
  const auto ceiling = policy_->ceiling(made_);
  double r = policy_->hooks_.random();
  r = std::clamp(r, 0.0, 1.0);
  const auto delay = std::chrono::milliseconds(
      static_cast<long long>(r * static_cast<double>(ceiling.count())));
  // A wait that would leave no time for the request it precedes is not worth making.
  if (delay >= remaining()) return false;
  if (delay.count() > 0) policy_->hooks_.sleep(delay);
  return true;
}

}  // namespace ebworker
