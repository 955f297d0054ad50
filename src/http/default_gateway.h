#pragma once
// The container's default gateway, read from the kernel's IPv4 routing table (/proc/net/route).
// In a Docker container on Elastic Beanstalk the platform's nginx (and aws-sqsd through it)
// reaches the worker from the bridge's gateway address, whatever bridge Docker picked; this is
// what EBWORKER_TRUSTED_SOURCES=gateway trusts, as exactly one address.

#include <string>
#include <string_view>

#include <ebworker/result.h>

namespace ebworker {

inline constexpr std::string_view kRouteTablePath = "/proc/net/route";

// From the table's text (header line, then one route a line: Iface Destination Gateway Flags
// RefCnt Use Metric Mask ...; addresses are little-endian hex): the gateway of the default route
// (Destination 00000000, Flags with RTF_GATEWAY) as dotted IPv4. Several default routes: the
// lowest Metric wins, the first on a tie. No default route or a malformed line is an error.
Result<std::string> default_gateway_from_table(std::string_view table);

// The same, reading the table from `path`.
Result<std::string> read_default_gateway(const std::string& path = std::string(kRouteTablePath));

}  // namespace ebworker
