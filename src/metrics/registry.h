#pragma once
// A small Prometheus registry: families of counters, gauges and histograms, each family a name,
// its HELP text and its label names, each series one set of label values. Looking a series up
// takes a lock, so callers resolve the label sets they use once and keep the reference (valid
// as long as the registry); incrementing it is then one relaxed atomic operation. expose()
// writes the text format (text_format.h), families in the order registered, series sorted.
// Registering a bad or duplicate name throws std::invalid_argument: a programming error.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/counter.h"
#include "metrics/gauge.h"
#include "metrics/histogram.h"
#include "metrics/text_format.h"

namespace ebworker::metrics {

enum class MetricType { counter, gauge, histogram };

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names);
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // HELP and TYPE, then every series.
  void write(std::string& out) const;

 protected:
  virtual void write_series(std::string& out) const = 0;
  // `{a="x",b="y"}` for these values (and `extra`, a last label such as le), or "" for none.
  std::string label_text(const std::vector<std::string>& values, std::string_view extra_name = {},
                         std::string_view extra_value = {}) const;
  // Throws unless there is one value per label name.
  void check_arity(std::size_t values) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
};

template <typename M>
class Family : public FamilyBase {
 public:
  using Make = std::function<std::unique_ptr<M>()>;
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names, Make make)
      : FamilyBase(std::move(name), std::move(help), type, std::move(label_names)), make_(std::move(make)) {}

  // The series of these label values, in the order of the label names; created on first use.
  // Each value is kept as label_value() makes it (valid UTF-8, bounded), so values that differ
  // only past the bound, or in bytes that are not UTF-8, are one series.
  M& with(const std::vector<std::string>& values) {
    check_arity(values.size());
    if (std::ranges::all_of(values, is_label_value)) return find_or_make(values);
    std::vector<std::string> kept;
    kept.reserve(values.size());
    for (const auto& v : values) kept.push_back(label_value(v));
    return find_or_make(kept);
  }
  M& with(std::initializer_list<std::string_view> values) {
    return with(std::vector<std::string>(values.begin(), values.end()));
  }

  // Each series' label values and metric, in label order.
  template <typename F>
  void for_each(F&& f) const {
    std::shared_lock lock(mutex_);
    for (const auto& [values, metric] : series_) f(values, *metric);
  }

 protected:
  void write_series(std::string& out) const override;

 private:
  M& find_or_make(const std::vector<std::string>& values) {
    {
      std::shared_lock lock(mutex_);
      if (auto it = series_.find(values); it != series_.end()) return *it->second;
    }
    std::unique_lock lock(mutex_);
    auto& slot = series_[values];
    if (!slot) slot = make_();
    return *slot;
  }

  Make make_;
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> series_;
};

// Defined in registry.cc, for the three kinds there are.
template <>
void Family<Counter>::write_series(std::string& out) const;
template <>
void Family<Gauge>::write_series(std::string& out) const;
template <>
void Family<Histogram>::write_series(std::string& out) const;

class Registry {
 public:
  Family<Counter>& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(std::string name, std::string help, std::vector<double> bounds,
                               std::vector<std::string> label_names = {});
  // A gauge without labels whose value is read at each scrape (a pool's size, say).
  void gauge_function(std::string name, std::string help, std::function<double()> read);

  // The text exposition of every family.
  std::string expose() const;

 private:
  template <typename F>
  F& add(std::unique_ptr<F> family);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
};

}  // namespace ebworker::metrics
