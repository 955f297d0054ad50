#pragma once
// A Prometheus counter: only goes up. One relaxed atomic add per increment, no lock.

#include <atomic>
#include <cstdint>

namespace ebworker::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace ebworker::metrics
