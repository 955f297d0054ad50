#pragma once
// A Prometheus histogram with fixed upper bounds. observe() is lock-free: one bucket's atomic
// count and the atomic sum. Counts are kept per bucket and made cumulative when read, so a
// scrape's +Inf bucket always equals its _count even while observations go on.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace ebworker::metrics {

class Histogram {
 public:
  // `bounds`: finite, strictly increasing upper bounds (the le values); +Inf is implied.
  // Throws std::invalid_argument otherwise.
  explicit Histogram(std::vector<double> bounds);

  void observe(double value);

  struct Snapshot {
    std::vector<double> bounds;               // without +Inf
    std::vector<std::uint64_t> cumulative;    // one per bound, then the +Inf bucket
    double sum = 0;
    std::uint64_t count = 0;                  // == cumulative.back()
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

// Upper bounds for job run times in seconds: 5 ms to 10 minutes.
const std::vector<double>& job_duration_buckets();

// The value below which the fraction `q` (0..1) of observations lie, interpolated linearly
// inside its bucket as Prometheus's histogram_quantile does; 0 with no observations. A value
// in the +Inf bucket is reported as the highest finite bound.
double quantile(const Histogram::Snapshot& snapshot, double q);

}  // namespace ebworker::metrics
