// EBWORKER_TRUSTED_SOURCES=gateway: the default gateway read from /proc/net/route's text, and
// the setting that trusts exactly that one address.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>
#include <string>

#include "worker/worker_config.h"
#include "http/default_gateway.h"

namespace ebworker {
namespace {

const std::string kHeader =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

// What a container on the default Docker bridge sees.
const std::string kDockerBridge = kHeader +
    "eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
    "eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

TEST(DefaultGateway, DockerBridgeGateway) {
  auto g = default_gateway_from_table(kDockerBridge);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(*g, "172.17.0.1");
}

TEST(DefaultGateway, LittleEndianHexOfAnotherBridge) {
  // 192.168.176.1, a compose-style network: bytes C0 A8 B0 01 printed little-endian.
  auto g = default_gateway_from_table(kHeader + "eth0\t00000000\t01B0A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(*g, "192.168.176.1");
}

TEST(DefaultGateway, NoDefaultRouteIsAnError) {
  const auto only_local = kHeader + "eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
  auto g = default_gateway_from_table(only_local);
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("no default route"), std::string::npos) << g.error().message;
  EXPECT_FALSE(default_gateway_from_table(kHeader));
}

TEST(DefaultGateway, DefaultDestinationWithoutGatewayFlagIsNotADefaultRoute) {
  // Destination 0 but Flags 0001 (up, no RTF_GATEWAY), e.g. a point-to-point link.
  EXPECT_FALSE(default_gateway_from_table(kHeader + "tun0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n"));
  // Destination 0 with a non-zero mask is a network route, not the default one.
  EXPECT_FALSE(default_gateway_from_table(kHeader + "eth0\t00000000\t010011AC\t0003\t0\t0\t0\t000000FF\t0\t0\t0\n"));
  // A route that is not up.
  EXPECT_FALSE(default_gateway_from_table(kHeader + "eth0\t00000000\t010011AC\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"));
}

TEST(DefaultGateway, SeveralRoutesPickTheDefaultOne) {
  const auto table = kHeader +
      "eth1\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n"
      "eth1\t0001000A\t0101000A\t0003\t0\t0\t0\t0000FFFF\t0\t0\t0\n"  // via a gateway, but not default
      "eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
      "eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
  auto g = default_gateway_from_table(table);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(*g, "172.17.0.1");
}

TEST(DefaultGateway, LowestMetricWinsThenTheFirst) {
  const auto table = kHeader +
      "eth0\t00000000\t0100000A\t0003\t0\t0\t200\t00000000\t0\t0\t0\n"
      "eth1\t00000000\t010011AC\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
      "eth2\t00000000\t010012AC\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
  auto g = default_gateway_from_table(table);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(*g, "172.17.0.1");
}

TEST(DefaultGateway, MalformedTablesAreErrors) {
  EXPECT_FALSE(default_gateway_from_table(""));
  EXPECT_FALSE(default_gateway_from_table("not a routing table\n"));
  // No header: the first line is a route.
  EXPECT_FALSE(default_gateway_from_table("eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"));
  // Too few fields.
  auto short_line = default_gateway_from_table(kHeader + "eth0\t00000000\t010011AC\n");
  ASSERT_FALSE(short_line);
  EXPECT_NE(short_line.error().message.find("line 2"), std::string::npos) << short_line.error().message;
  // Not hex, wrong width, bad metric.
  EXPECT_FALSE(default_gateway_from_table(kHeader + "eth0\t00000000\t0100ZZAC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"));
  EXPECT_FALSE(default_gateway_from_table(kHeader + "eth0\t00000000\t10011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"));
  EXPECT_FALSE(default_gateway_from_table(kHeader + "eth0\t00000000\t010011AC\t0003\t0\t0\t-1\t00000000\t0\t0\t0\n"));
  // A malformed line after a good default route still fails: the table is not what we expect.
  EXPECT_FALSE(default_gateway_from_table(kDockerBridge + "garbage\n"));
  // A default route through 0.0.0.0 would trust nothing sensible.
  EXPECT_FALSE(default_gateway_from_table(kHeader + "eth0\t00000000\t00000000\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"));
}

TEST(DefaultGateway, BlankLinesAndCrlfAreTolerated) {
  auto g = default_gateway_from_table(kHeader + "\n" + "eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\r\n\n");
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(*g, "172.17.0.1");
}

// A routing table in a file of the test's own, removed at the end.
class RouteFile {
 public:
  explicit RouteFile(const std::string& text) {
    char name[] = "/tmp/ebworker_route_XXXXXX";
    const int fd = mkstemp(name);
    if (fd >= 0) close(fd);
    path_ = name;
    std::ofstream(path_) << text;
  }
  ~RouteFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool trusts(const WorkerConfig& c, std::string_view address) {
  const auto ip = parse_ip(address);
  if (!ip) return false;
  for (const auto& r : c.trusted_sources)
    if (r.contains(*ip)) return true;
  return false;
}

TEST(DefaultGateway, SettingTrustsExactlyTheGateway) {
  RouteFile routes(kDockerBridge);
  auto c = load_worker_config({{"EBWORKER_TRUSTED_SOURCES", "gateway"}}, {}, routes.path());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->trust_gateway);
  EXPECT_EQ(c->trusted_gateway, "172.17.0.1");
  ASSERT_EQ(c->trusted_sources.size(), 1u);
  EXPECT_TRUE(trusts(*c, "172.17.0.1"));
  // Never wider than the one address: its neighbours and its network are not trusted.
  EXPECT_FALSE(trusts(*c, "172.17.0.2"));
  EXPECT_FALSE(trusts(*c, "172.17.0.0"));
  EXPECT_FALSE(trusts(*c, "172.17.1.1"));
  EXPECT_FALSE(trusts(*c, "10.0.0.1"));
}

TEST(DefaultGateway, SettingMixesWithCidrs) {
  RouteFile routes(kDockerBridge);
  auto c = load_worker_config({{"EBWORKER_TRUSTED_SOURCES", "10.1.0.0/16, gateway"}}, {}, routes.path());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->trusted_sources.size(), 2u);
  EXPECT_TRUE(trusts(*c, "172.17.0.1"));
  EXPECT_TRUE(trusts(*c, "10.1.2.3"));
  EXPECT_FALSE(trusts(*c, "172.17.0.2"));
}

TEST(DefaultGateway, FlagWithoutGatewayReplacesTheEnvironment) {
  // The table is never read when the winning value does not name gateway.
  auto c = load_worker_config({{"EBWORKER_TRUSTED_SOURCES", "gateway"}}, {"--trusted-sources=10.0.0.1"},
                              "/nonexistent/route");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->trust_gateway);
  EXPECT_TRUE(c->trusted_gateway.empty());
  EXPECT_TRUE(trusts(*c, "10.0.0.1"));
  EXPECT_FALSE(trusts(*c, "172.17.0.1"));
}

TEST(DefaultGateway, NoDefaultRouteStopsStartUpNamingTheVariable) {
  RouteFile routes(kHeader + "eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n");
  auto c = load_worker_config({{"EBWORKER_TRUSTED_SOURCES", "gateway"}}, {}, routes.path());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("EBWORKER_TRUSTED_SOURCES"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("no default route"), std::string::npos) << c.error().message;
}

TEST(DefaultGateway, MalformedOrMissingTableStopsStartUp) {
  RouteFile routes("garbage\n");
  auto bad = load_worker_config({{"EBWORKER_TRUSTED_SOURCES", "gateway"}}, {}, routes.path());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("EBWORKER_TRUSTED_SOURCES"), std::string::npos) << bad.error().message;
  auto missing = load_worker_config({{"EBWORKER_TRUSTED_SOURCES", "gateway"}}, {}, "/nonexistent/route");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("EBWORKER_TRUSTED_SOURCES"), std::string::npos);
}

TEST(DefaultGateway, OtherWordsAreStillRejected) {
  EXPECT_FALSE(load_worker_config({{"EBWORKER_TRUSTED_SOURCES", "gateways"}}, {}));
  EXPECT_FALSE(load_worker_config({{"EBWORKER_TRUSTED_SOURCES", "gateway/24"}}, {}));
}

}  // namespace
}  // namespace ebworker
