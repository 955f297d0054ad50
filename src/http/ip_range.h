#pragma once
// IP addresses and CIDR ranges, for the source check. IPv4 is held as IPv4-mapped IPv6
// (::ffff:a.b.c.d) so that a v4 range also matches a v4 peer seen on a dual-stack socket.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/result.h>

namespace ebworker {

using IpBytes = std::array<unsigned char, 16>;

std::optional<IpBytes> parse_ip(std::string_view text);

class IpRange {
 public:
  // "127.0.0.0/8", "172.17.0.1", "fd00::/8", "::1". A bare address is a /32 or /128.
  static Result<IpRange> parse(std::string_view text);
  // Comma-separated list; blanks around entries are ignored.
  static Result<std::vector<IpRange>> parse_list(std::string_view text);

  bool contains(const IpBytes& address) const;
  // As it was written.
  const std::string& text() const { return text_; }

 private:
  IpRange(IpBytes network, int prefix_bits, std::string text)
      : network_(network), prefix_bits_(prefix_bits), text_(std::move(text)) {}
  IpBytes network_;
  int prefix_bits_;
  std::string text_;
};

// 127.0.0.0/8, ::1 and IPv4-mapped loopback.
bool is_loopback(const IpBytes& address);

}  // namespace ebworker
