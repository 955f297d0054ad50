#include "http/ip_range.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

#include "core/split.h"

namespace ebworker {

std::optional<IpBytes> parse_ip(std::string_view text) {
  // inet_pton reads a C string: whatever follows a NUL byte would be ignored.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  // pistache prints IPv6 peers without brackets, but accept them for configuration.
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  const std::string s(text);
  IpBytes out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return out;
  return std::nullopt;
}

Result<IpRange> IpRange::parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string_view addr_text = text.substr(0, slash);
  const auto addr = parse_ip(addr_text);
  if (!addr) return fail("\"" + std::string(text) + "\" is not an IP address or CIDR range");
  const bool v4 = addr_text.find(':') == std::string_view::npos;
  const int max_bits = v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view bits_text = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    if (ec != std::errc() || end != bits_text.data() + bits_text.size() || bits < 0 || bits > max_bits)
      return fail("\"" + std::string(text) + "\" has a bad prefix length");
  }
  return IpRange(*addr, v4 ? bits + 96 : bits, std::string(text));
}

Result<std::vector<IpRange>> IpRange::parse_list(std::string_view text) {
  std::vector<IpRange> ranges;
  for (std::string_view item : split_list(text)) {
    auto range = parse(item);
    if (!range) return Unexpected{range.error()};
    ranges.push_back(*range);
  }
  return ranges;
}

bool IpRange::contains(const IpBytes& address) const {
  const int full_bytes = prefix_bits_ / 8;
  for (int i = 0; i < full_bytes; ++i)
    if (address[i] != network_[i]) return false;
  const int rest = prefix_bits_ % 8;
  if (rest == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (address[full_bytes] & mask) == (network_[full_bytes] & mask);
}

bool is_loopback(const IpBytes& address) {
  static const IpRange v4 = IpRange::parse("127.0.0.0/8").value();
  static const IpRange v6 = IpRange::parse("::1").value();
  return v4.contains(address) || v6.contains(address);
}

}  // namespace ebworker
