#include "http/default_gateway.h"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "core/split.h"

namespace ebworker {

namespace {

constexpr unsigned kRtfUp = 0x0001;       // <linux/route.h> RTF_UP
constexpr unsigned kRtfGateway = 0x0002;  // <linux/route.h> RTF_GATEWAY

template <typename N>
std::optional<N> number(std::string_view text, int base) {
  N n{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// Eight hex digits, as the kernel prints a __be32 with %08X on a little-endian machine.
std::optional<std::uint32_t> hex_address(std::string_view text) {
  if (text.size() != 8) return std::nullopt;
  return number<std::uint32_t>(text, 16);
}

std::string dotted(std::uint32_t little_endian) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (i) out += '.';
    out += std::to_string((little_endian >> (8 * i)) & 0xff);
  }
  return out;
}

}  // namespace

Result<std::string> default_gateway_from_table(std::string_view table) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < table.size();) {
    size_t end = table.find('\n', start);
    if (end == std::string_view::npos) end = table.size();
    lines.push_back(table.substr(start, end - start));
    start = end + 1;
  }
  const auto header = lines.empty() ? std::vector<std::string_view>() : split_words(lines[0]);
  if (header.empty() || header[0] != "Iface")
    return fail("the routing table has no header line (expected \"Iface Destination Gateway ...\")");

  std::optional<std::uint32_t> best_gateway;
  unsigned long best_metric = 0;
  for (size_t n = 1; n < lines.size(); ++n) {
    const auto f = split_words(lines[n]);
    if (f.empty()) continue;
    const std::string where = "routing table line " + std::to_string(n + 1);
    if (f.size() < 8) return fail(where + " has " + std::to_string(f.size()) + " fields, expected at least 8");
    const auto destination = hex_address(f[1]);
    const auto gateway = hex_address(f[2]);
    const auto flags = number<unsigned>(f[3], 16);
    const auto metric = number<unsigned long>(f[6], 10);
    const auto mask = hex_address(f[7]);
    if (!destination || !gateway || !flags || !metric || !mask) return fail(where + " is malformed");
    if (*destination != 0 || *mask != 0 || (*flags & kRtfGateway) == 0 || (*flags & kRtfUp) == 0) continue;
    if (*gateway == 0) return fail(where + ": a default route through gateway 0.0.0.0");
    if (!best_gateway || *metric < best_metric) {
      best_gateway = *gateway;
      best_metric = *metric;
    }
  }
  if (!best_gateway) return fail("the routing table has no default route through a gateway");
  return dotted(*best_gateway);
}

Result<std::string> read_default_gateway(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto gateway = default_gateway_from_table(text.str());
  if (!gateway) return fail(path + ": " + gateway.error().message);
  return gateway;
}

}  // namespace ebworker
