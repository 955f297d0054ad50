#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ebworker::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i])) throw std::invalid_argument("histogram bounds must be finite (+Inf is implied)");
    if (i > 0 && !(bounds_[i - 1] < bounds_[i]))
      throw std::invalid_argument("histogram bounds must be strictly increasing");
  }
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  // The first bound >= value: Prometheus buckets are "less than or equal".
  const auto index = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.reserve(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

const std::vector<double>& job_duration_buckets() {
  static const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                             2.5,   5,    10,    30,   60,  120, 300, 600};
  return bounds;
}

double quantile(const Histogram::Snapshot& s, double q) {
  if (s.count == 0 || s.bounds.empty()) return 0;
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(s.count);
  std::size_t i = 0;
  while (i < s.cumulative.size() && static_cast<double>(s.cumulative[i]) < rank) ++i;
  if (i >= s.bounds.size()) return s.bounds.back();
  const double lower = i == 0 ? 0 : s.bounds[i - 1];
  const double below = i == 0 ? 0 : static_cast<double>(s.cumulative[i - 1]);
  const double in_bucket = static_cast<double>(s.cumulative[i]) - below;
  if (in_bucket <= 0) return s.bounds[i];
  return lower + (s.bounds[i] - lower) * ((rank - below) / in_bucket);
}

}  // namespace ebworker::metrics
