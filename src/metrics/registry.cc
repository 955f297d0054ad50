#include "metrics/registry.h"

#include <stdexcept>

#include "metrics/text_format.h"

namespace ebworker::metrics {

namespace {

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
  }
  return "untyped";
}

void sample(std::string& out, std::string_view name, const std::string& labels, double value) {
  out.append(name).append(labels).append(" ").append(format_value(value)).append("\n");
}

// A gauge read when scraped.
class FunctionFamily : public FamilyBase {
 public:
  FunctionFamily(std::string name, std::string help, std::function<double()> read)
      : FamilyBase(std::move(name), std::move(help), MetricType::gauge, {}), read_(std::move(read)) {}

 protected:
  void write_series(std::string& out) const override { sample(out, name(), "", read_()); }

 private:
  std::function<double()> read_;
};

}  // namespace

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(type), label_names_(std::move(label_names)) {
  if (!valid_metric_name(name_)) throw std::invalid_argument("not a metric name: " + name_);
  for (std::size_t i = 0; i < label_names_.size(); ++i) {
    const std::string& label = label_names_[i];
    if (!valid_label_name(label)) throw std::invalid_argument("not a label name: " + label);
    if (type_ == MetricType::histogram && label == "le")
      throw std::invalid_argument("le is the histogram's own label: " + name_);
    for (std::size_t j = 0; j < i; ++j)
      if (label_names_[j] == label) throw std::invalid_argument("label " + label + " twice in " + name_);
  }
}

void FamilyBase::write(std::string& out) const {
  out.append("# HELP ").append(name_).append(" ").append(escape_help(help_)).append("\n");
  out.append("# TYPE ").append(name_).append(" ").append(type_name(type_)).append("\n");
  write_series(out);
}

void FamilyBase::check_arity(std::size_t values) const {
  if (values != label_names_.size())
    throw std::invalid_argument(name_ + " has " + std::to_string(label_names_.size()) + " labels, given " +
                                std::to_string(values) + " values");
}

std::string FamilyBase::label_text(const std::vector<std::string>& values, std::string_view extra_name,
                                   std::string_view extra_value) const {
  if (values.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ",";
    out.append(label_names_[i]).append("=\"").append(escape_label_value(values[i])).append("\"");
  }
  if (!extra_name.empty()) {
    if (!values.empty()) out += ",";
    out.append(extra_name).append("=\"").append(escape_label_value(extra_value)).append("\"");
  }
  return out + "}";
}

template <>
void Family<Counter>::write_series(std::string& out) const {
  for_each([&](const std::vector<std::string>& values, const Counter& c) {
    sample(out, name(), label_text(values), static_cast<double>(c.value()));
  });
}

template <>
void Family<Gauge>::write_series(std::string& out) const {
  for_each([&](const std::vector<std::string>& values, const Gauge& g) {
    sample(out, name(), label_text(values), g.value());
  });
}

template <>
void Family<Histogram>::write_series(std::string& out) const {
  const std::string bucket = name() + "_bucket";
  for_each([&](const std::vector<std::string>& values, const Histogram& h) {
    const Histogram::Snapshot s = h.snapshot();
    for (std::size_t i = 0; i < s.bounds.size(); ++i)
      sample(out, bucket, label_text(values, "le", format_value(s.bounds[i])), static_cast<double>(s.cumulative[i]));
    sample(out, bucket, label_text(values, "le", "+Inf"), static_cast<double>(s.count));
    sample(out, name() + "_sum", label_text(values), s.sum);
    sample(out, name() + "_count", label_text(values), static_cast<double>(s.count));
  });
}

template <typename F>
F& Registry::add(std::unique_ptr<F> family) {
  std::lock_guard lock(mutex_);
  for (const auto& f : families_)
    if (f->name() == family->name()) throw std::invalid_argument("metric " + family->name() + " registered twice");
  F& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Family<Counter>& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
  return add(std::make_unique<Family<Counter>>(std::move(name), std::move(help), MetricType::counter,
                                               std::move(label_names), [] { return std::make_unique<Counter>(); }));
}

Family<Gauge>& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names) {
  return add(std::make_unique<Family<Gauge>>(std::move(name), std::move(help), MetricType::gauge,
                                             std::move(label_names), [] { return std::make_unique<Gauge>(); }));
}

Family<Histogram>& Registry::histogram(std::string name, std::string help, std::vector<double> bounds,
                                       std::vector<std::string> label_names) {
  Histogram check(bounds);  // bad bounds throw at registration, not at the first observation
  return add(std::make_unique<Family<Histogram>>(std::move(name), std::move(help), MetricType::histogram,
                                                 std::move(label_names),
                                                 [bounds] { return std::make_unique<Histogram>(bounds); }));
}

void Registry::gauge_function(std::string name, std::string help, std::function<double()> read) {
  add(std::make_unique<FunctionFamily>(std::move(name), std::move(help), std::move(read)));
}

std::string Registry::expose() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) family->write(out);
  return out;
}

}  // namespace ebworker::metrics
