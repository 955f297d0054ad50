// Input modelled: EBWORKER_TRUSTED_SOURCES / --trusted-sources (a comma-separated list of
// addresses and CIDR ranges) and a peer address as the source check sees it. The input up to
// the first newline is the list; the rest is the peer (also parsed alone as one range).
// Checked: a parsed range contains its own network address; a bare address is a range holding
// exactly itself; the source check agrees with loopback-or-listed; nothing with a NUL byte in it
// is taken for an address.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/worker/middleware/source_check.h>

#include "fuzz_support.h"
#include "http/ip_range.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ebworker;
  const std::string_view input = fuzz::as_text(data, size);
  const auto eol = input.find('\n');
  const std::string_view list = input.substr(0, eol);
  const std::string_view peer = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);

  const auto address = parse_ip(peer);
  if (address) FUZZ_CHECK(peer.find('\0') == std::string_view::npos);
  if (auto range = IpRange::parse(peer)) {
    const auto network = parse_ip(peer.substr(0, peer.find('/')));
    FUZZ_CHECK(network.has_value());
    FUZZ_CHECK(range->contains(*network));
    if (peer.find('/') == std::string_view::npos) {
      IpBytes other = *network;
      other[15] ^= 1;
      FUZZ_CHECK(!range->contains(other));
    }
  }

  auto ranges = IpRange::parse_list(list);
  if (!ranges) {
    FUZZ_CHECK(!ranges.error().message.empty());
    return 0;
  }
  std::vector<std::string> texts;
  for (const auto& r : *ranges) texts.push_back(r.text());
  const auto built = SourceCheck::trusting(texts);  // the same ranges, as their written text
  FUZZ_CHECK(built.has_value());
  const SourceCheck& check = *built;
  bool listed = false;
  if (address)
    for (const auto& r : *ranges) listed = listed || r.contains(*address);
  FUZZ_CHECK(check.allows(peer) == (address && (is_loopback(*address) || listed)));
  return 0;
}
