#pragma once
// A strict reader of Prometheus's text exposition format (0.0.4), for tests that scrape a
// /metrics answer: anything a scraper could misread is an error naming the line. Checked:
// every line ends in a line feed and is valid UTF-8 (a Prometheus server refuses the whole
// scrape otherwise); comments are HELP or TYPE (at most one each per family,
// before its samples); metric and label names are valid; label values use only the escapes
// \\ \" \n; no label twice; values parse (+Inf, -Inf, NaN included); a family's samples are
// contiguous and belong to the family its TYPE named (histograms: _bucket with le, _sum,
// _count); no series twice; counters are not negative; a histogram's buckets rise in le and are
// cumulative, end in +Inf, and +Inf equals _count.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/result.h>

namespace ebworker::testing {

using PromLabels = std::map<std::string, std::string>;

struct PromSample {
  std::string name;  // as written: a histogram's are name_bucket, name_sum, name_count
  PromLabels labels;
  double value = 0;
};

struct PromFamily {
  std::string name;
  std::string type;  // counter, gauge, histogram, summary or untyped
  std::string help;
  std::vector<PromSample> samples;
};

struct PromExposition {
  std::vector<PromFamily> families;

  const PromFamily* family(std::string_view name) const;
  // The sample of exactly this name and these labels.
  std::optional<double> value(std::string_view sample_name, const PromLabels& labels = {}) const;
  // The sum over the samples of this name whose labels include `matching` (0 when none).
  double sum(std::string_view sample_name, const PromLabels& matching = {}) const;
};

Result<PromExposition> parse_prometheus_text(std::string_view text);

}  // namespace ebworker::testing
