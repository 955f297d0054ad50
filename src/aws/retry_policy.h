#pragma once
// Exponential backoff with full jitter ("Exponential Backoff and Jitter", AWS Architecture Blog):
// before retry n (1, 2, …) wait a uniformly random time in [0, min(max_delay, base_delay·2^(n-1))].
// A call gives up when it has made max_attempts requests, or when the next wait would end past
// its time budget. Each request's own timeout is cut to what is left of the budget, so a call
// takes at most about `budget` however the server behaves.

#include <chrono>

#include <ebworker/client/client_config.h>

namespace ebworker {

class RetryPolicy {
 public:
  explicit RetryPolicy(RetrySettings settings = {}, RetryHooks hooks = {});

  const RetrySettings& settings() const { return settings_; }

  // The largest wait before retry `n` (1-based): min(max_delay, base_delay·2^(n-1)).
  std::chrono::milliseconds ceiling(int retry) const;

  // One call's attempts. Not shared between threads; the policy it came from must outlive it.
  class Attempts {
   public:
    // Counts a request about to be made.
    void begin_attempt() { ++made_; }
    int made() const { return made_; }
    // What is left of the budget (zero when spent).
    std::chrono::milliseconds remaining() const;
    // After a retryable failure: waits the backoff and returns true when another request is
    // allowed; returns false at once when attempts or budget are spent.
    bool wait_before_retry();

   private:
    friend class RetryPolicy;
    explicit Attempts(const RetryPolicy& policy);
    const RetryPolicy* policy_;
    std::chrono::steady_clock::time_point started_;
    int made_ = 0;
  };

  Attempts start() const { return Attempts(*this); }

 private:
  RetrySettings settings_;
  RetryHooks hooks_;
};

}  // namespace ebworker
