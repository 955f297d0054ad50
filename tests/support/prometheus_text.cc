#include "support/prometheus_text.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>

namespace ebworker::testing {

namespace {

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

bool metric_name(std::string_view s) {
  if (s.empty() || !(name_start(s[0]) || s[0] == ':')) return false;
  for (char c : s)
    if (!(name_char(c) || c == ':')) return false;
  return true;
}

bool label_name(std::string_view s) {
  if (s.empty() || !name_start(s[0])) return false;
  for (char c : s)
    if (!name_char(c)) return false;
  return true;
}

// The byte offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlong form,
// no surrogate, nothing past U+10FFFF), or npos. Written apart from the code under test's own
// check, decoding each code point, so that the two cannot share a mistake.
std::size_t first_bad_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (lead < 0x80) n = 1, cp = lead;
    else if (lead >= 0xC0 && lead < 0xE0) n = 2, cp = lead & 0x1F;
    else if (lead >= 0xE0 && lead < 0xF0) n = 3, cp = lead & 0x0F;
    else if (lead >= 0xF0 && lead < 0xF8) n = 4, cp = lead & 0x07;
    else return i;
    if (i + n > s.size()) return i;
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr std::uint32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kLeast[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::optional<double> parse_value(std::string_view s) {
  if (s == "+Inf" || s == "Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  if (s == "NaN") return std::nan("");
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return std::nullopt;
  const std::string text(s);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

// Reads {a="x",...} at `at`, leaving `at` after the closing brace.
Result<PromLabels> parse_labels(std::string_view line, std::size_t& at) {
  PromLabels labels;
  ++at;  // {
  while (true) {
    if (at >= line.size()) return fail("unterminated label set");
    if (line[at] == '}') {
      ++at;
      return labels;
    }
    const std::size_t start = at;
    while (at < line.size() && name_char(line[at])) ++at;
    const std::string name(line.substr(start, at - start));
    if (!label_name(name)) return fail("bad label name \"" + name + "\"");
    if (at >= line.size() || line[at] != '=') return fail("no = after label " + name);
    if (++at >= line.size() || line[at] != '"') return fail("label " + name + "'s value is not quoted");
    ++at;
    std::string value;
    while (true) {
      if (at >= line.size()) return fail("unterminated value of label " + name);
      const char c = line[at++];
      if (c == '"') break;
      if (c == '\\') {
        if (at >= line.size()) return fail("dangling backslash in label " + name);
        const char e = line[at++];
        if (e == '\\') value += '\\';
        else if (e == '"') value += '"';
        else if (e == 'n') value += '\n';
        else return fail(std::string("bad escape \\") + e + " in label " + name);
        continue;
      }
      value += c;
    }
    if (!labels.emplace(name, value).second) return fail("label " + name + " twice");
    if (at < line.size() && line[at] == ',') {
      ++at;
      continue;
    }
    if (at >= line.size() || line[at] != '}') return fail("expected , or } after label " + name);
  }
}

Result<PromSample> parse_sample(std::string_view line) {
  PromSample sample;
  std::size_t at = 0;
  while (at < line.size() && (name_char(line[at]) || line[at] == ':')) ++at;
  sample.name = std::string(line.substr(0, at));
  if (!metric_name(sample.name)) return fail("bad metric name");
  if (at < line.size() && line[at] == '{') {
    auto labels = parse_labels(line, at);
    if (!labels) return Unexpected{labels.error()};
    sample.labels = std::move(labels).value();
  }
  if (at >= line.size() || line[at] != ' ') return fail("expected one space before the value");
  const std::string_view rest = line.substr(at + 1);
  const std::size_t space = rest.find(' ');
  const auto value = parse_value(rest.substr(0, space));
  if (!value) return fail("bad value \"" + std::string(rest.substr(0, space)) + "\"");
  sample.value = *value;
  if (space != std::string_view::npos) {
    const std::string_view stamp = rest.substr(space + 1);
    if (stamp.empty()) return fail("trailing space");
    for (std::size_t i = 0; i < stamp.size(); ++i)
      if (!((stamp[i] >= '0' && stamp[i] <= '9') || (i == 0 && stamp[i] == '-'))) return fail("bad timestamp");
  }
  return sample;
}

// Which family a sample of this name belongs to, given the family being read.
bool belongs(const PromFamily& family, std::string_view sample) {
  if (family.type == "histogram")
    return sample == family.name + "_bucket" || sample == family.name + "_sum" || sample == family.name + "_count";
  if (family.type == "summary")
    return sample == family.name || sample == family.name + "_sum" || sample == family.name + "_count";
  return sample == family.name;
}

Status check_histogram(const PromFamily& family) {
  // Per series (labels without le): its buckets in order, then _sum and _count.
  std::map<PromLabels, std::vector<std::pair<double, double>>> buckets;
  std::map<PromLabels, double> counts;
  std::set<PromLabels> sums;
  for (const auto& s : family.samples) {
    PromLabels key = s.labels;
    if (s.name == family.name + "_bucket") {
      const auto le = key.find("le");
      if (le == key.end()) return fail(s.name + " without le");
      const auto bound = parse_value(le->second);
      if (!bound || std::isnan(*bound)) return fail(s.name + " has le=\"" + le->second + "\"");
      key.erase(le);
      buckets[key].emplace_back(*bound, s.value);
    } else if (s.name == family.name + "_count") {
      counts[key] = s.value;
    } else {
      sums.insert(key);
    }
  }
  for (const auto& [key, list] : buckets) {
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (!(list[i - 1].first < list[i].first)) return fail(family.name + ": buckets not in rising le order");
      if (list[i].second < list[i - 1].second) return fail(family.name + ": buckets not cumulative");
    }
    if (!std::isinf(list.back().first)) return fail(family.name + ": no +Inf bucket");
    const auto count = counts.find(key);
    if (count == counts.end()) return fail(family.name + ": a series without _count");
    if (count->second != list.back().second) return fail(family.name + ": +Inf bucket differs from _count");
    if (!sums.contains(key)) return fail(family.name + ": a series without _sum");
  }
  for (const auto& [key, count] : counts)
    if (!buckets.contains(key)) return fail(family.name + ": _count without buckets");
  return {};
}

}  // namespace

Result<PromExposition> parse_prometheus_text(std::string_view text) {
  PromExposition out;
  if (!text.empty() && text.back() != '\n') return fail("the text does not end in a line feed");
  std::set<std::string> seen_families;
  std::set<std::string> helped, typed;
  std::set<std::pair<std::string, PromLabels>> seen_series;
  PromFamily* current = nullptr;
  std::size_t number = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    ++number;
    const auto bad = [&](const std::string& why) {
      return fail("line " + std::to_string(number) + " (" + std::string(line) + "): " + why);
    };
    if (line.empty()) continue;
    if (line.find('\r') != std::string_view::npos) return bad("carriage return");
    if (const auto bad_byte = first_bad_utf8(line); bad_byte != std::string_view::npos)
      return bad("not UTF-8 at byte " + std::to_string(bad_byte));
    if (line[0] == '#') {
      if (!line.starts_with("# HELP ") && !line.starts_with("# TYPE ")) {
        if (line.starts_with("# HELP") || line.starts_with("# TYPE")) return bad("malformed HELP or TYPE");
        continue;  // a plain comment
      }
      const bool help = line.starts_with("# HELP ");
      const std::string_view rest = line.substr(7);
      const std::size_t space = rest.find(' ');
      const std::string name(rest.substr(0, space));
      if (!metric_name(name)) return bad("bad metric name");
      const std::string_view arg = space == std::string_view::npos ? "" : rest.substr(space + 1);
      if (!current || current->name != name) {
        if (seen_families.contains(name)) return bad("family " + name + " appears twice, or not contiguously");
        seen_families.insert(name);
        out.families.push_back(PromFamily{.name = name, .type = "untyped", .help = "", .samples = {}});
        current = &out.families.back();
      } else if (!current->samples.empty()) {
        return bad("HELP or TYPE after the family's samples");
      }
      if (help) {
        if (!helped.insert(name).second) return bad("second HELP");
        std::string unescaped;
        for (std::size_t i = 0; i < arg.size(); ++i) {
          if (arg[i] != '\\') {
            unescaped += arg[i];
            continue;
          }
          if (++i >= arg.size()) return bad("dangling backslash in HELP");
          if (arg[i] == '\\') unescaped += '\\';
          else if (arg[i] == 'n') unescaped += '\n';
          else return bad("bad escape in HELP");
        }
        current->help = std::move(unescaped);
      } else {
        static const std::set<std::string_view> types = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (!types.contains(arg)) return bad("unknown type");
        if (!typed.insert(name).second) return bad("second TYPE");
        current->type = std::string(arg);
      }
      continue;
    }
    auto sample = parse_sample(line);
    if (!sample) return bad(sample.error().message);
    if (!current || !belongs(*current, sample->name)) {
      // A sample with no HELP or TYPE starts an untyped family of its own.
      if (seen_families.contains(sample->name)) return bad("family " + sample->name + " is not contiguous");
      seen_families.insert(sample->name);
      out.families.push_back(PromFamily{.name = sample->name, .type = "untyped", .help = "", .samples = {}});
      current = &out.families.back();
    }
    if (!seen_series.emplace(sample->name, sample->labels).second) return bad("series twice");
    if (current->type == "counter" && !(sample->value >= 0)) return bad("negative or NaN counter");
    if (current->type == "histogram" && sample->name != current->name + "_bucket" && sample->labels.contains("le"))
      return bad("le on a histogram's _sum or _count");
    current->samples.push_back(std::move(sample).value());
  }
  for (const auto& family : out.families)
    if (family.type == "histogram")
      if (auto ok = check_histogram(family); !ok) return Unexpected{ok.error()};
  return out;
}

const PromFamily* PromExposition::family(std::string_view name) const {
  for (const auto& f : families)
    if (f.name == name) return &f;
  return nullptr;
}

std::optional<double> PromExposition::value(std::string_view sample_name, const PromLabels& labels) const {
  for (const auto& f : families)
    for (const auto& s : f.samples)
      if (s.name == sample_name && s.labels == labels) return s.value;
  return std::nullopt;
}

double PromExposition::sum(std::string_view sample_name, const PromLabels& matching) const {
  double total = 0;
  for (const auto& f : families)
    for (const auto& s : f.samples) {
      if (s.name != sample_name) continue;
      bool all = true;
      for (const auto& [k, v] : matching) {
        const auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) all = false;
      }
      if (all) total += s.value;
    }
  return total;
}

}  // namespace ebworker::testing
