#pragma once
// Exponential backoff with full jitter ("Exponential Backoff and Jitter", AWS Architecture Blog):
// before retry n (1, 2, …) wait a uniformly random time in [0, min(max_delay, base_delay·2^(n-1))].
// A call gives up when it has made max_attempts requests, or when the next wait would end past
// its time budget. Each request's own timeout is cut to what is left of the budget, so a call
// takes at most about `budget` however the server behaves.

#include <chrono>
#include <functional>

namespace ebworker {

struct RetrySettings {
  int max_attempts = 5;  // requests per call, the first included; 1 = no retries
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{5000};
  std::chrono::milliseconds budget{20000};  // for the whole call, retries and waits included
};

// What the policy uses of the outside world; tests replace any of them. Each must be safe to
// call from several threads at once (the defaults are).
struct RetryHooks {
  std::function<void(std::chrono::milliseconds)> sleep{};        // default: this_thread::sleep_for
  std::function<double()> random{};                              // uniform in [0, 1)
  std::function<std::chrono::steady_clock::time_point()> now{};  // default: steady_clock::now
};

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
