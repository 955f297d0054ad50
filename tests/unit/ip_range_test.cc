// Addresses and CIDR ranges. IPv4 is held IPv4-mapped, so a v4 range also matches a v4 peer
// seen on a dual-stack socket (::ffff:a.b.c.d).

#include <gtest/gtest.h>

#include <string>

#include "http/ip_range.h"

namespace ebworker {
namespace {

IpBytes ip(std::string_view text) {
  auto a = parse_ip(text);
  if (!a) ADD_FAILURE() << "not an address: " << text;
  return a.value_or(IpBytes{});
}

IpRange range(std::string_view text) {
  auto r = IpRange::parse(text);
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

TEST(ParseIp, V4IsHeldMapped) {
  auto a = parse_ip("10.1.2.3");
  ASSERT_TRUE(a.has_value());
  const IpBytes expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3};
  EXPECT_EQ(*a, expected);
  EXPECT_EQ(parse_ip("::ffff:10.1.2.3"), a);
}

TEST(ParseIp, V6AndBrackets) {
  const IpBytes one = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(parse_ip("::1"), one);
  EXPECT_EQ(parse_ip("[::1]"), one);
  EXPECT_EQ(parse_ip("0:0:0:0:0:0:0:1"), one);
}

TEST(ParseIp, RefusesNonAddresses) {
  for (const char* bad : {"", "nonsense", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.4 ", " 1.2.3.4",
                          "::1::", "[::1", "localhost", "1.2.3.4/32", "[]"})
    EXPECT_FALSE(parse_ip(bad).has_value()) << bad;
}

TEST(IsLoopback, V4) {
  EXPECT_TRUE(is_loopback(ip("127.0.0.1")));
  EXPECT_TRUE(is_loopback(ip("127.0.0.0")));
  EXPECT_TRUE(is_loopback(ip("127.255.255.254")));
  EXPECT_FALSE(is_loopback(ip("128.0.0.1")));
  EXPECT_FALSE(is_loopback(ip("126.255.255.255")));
  EXPECT_FALSE(is_loopback(ip("10.0.0.1")));
  EXPECT_FALSE(is_loopback(ip("0.0.0.0")));
}

TEST(IsLoopback, V6AndMapped) {
  EXPECT_TRUE(is_loopback(ip("::1")));
  EXPECT_FALSE(is_loopback(ip("::2")));
  EXPECT_FALSE(is_loopback(ip("::")));
  EXPECT_FALSE(is_loopback(ip("fe80::1")));
  EXPECT_TRUE(is_loopback(ip("::ffff:127.0.0.1")));
  EXPECT_TRUE(is_loopback(ip("::ffff:127.1.2.3")));
  EXPECT_FALSE(is_loopback(ip("::ffff:10.0.0.1")));
  // IPv4-compatible (not mapped) form is not loopback.
  EXPECT_FALSE(is_loopback(ip("::127.0.0.1")));
}

TEST(IpRange, BareV4AddressIsASingleHost) {
  const IpRange r = range("172.17.0.1");
  EXPECT_TRUE(r.contains(ip("172.17.0.1")));
  EXPECT_TRUE(r.contains(ip("::ffff:172.17.0.1")));
  EXPECT_FALSE(r.contains(ip("172.17.0.2")));
  EXPECT_FALSE(r.contains(ip("172.17.0.0")));
}

TEST(IpRange, V4Cidr) {
  const IpRange r = range("10.0.0.0/8");
  EXPECT_TRUE(r.contains(ip("10.0.0.0")));
  EXPECT_TRUE(r.contains(ip("10.255.255.255")));
  EXPECT_TRUE(r.contains(ip("::ffff:10.20.30.40")));  // mapped peer, v4 range
  EXPECT_FALSE(r.contains(ip("11.0.0.0")));
  EXPECT_FALSE(r.contains(ip("9.255.255.255")));
  // A v6 address whose leading bytes look like 10/8 is not in a v4 range.
  EXPECT_FALSE(r.contains(ip("a00::1")));
}

TEST(IpRange, V4CidrNotOnAByteBoundary) {
  const IpRange r = range("172.16.0.0/12");
  EXPECT_TRUE(r.contains(ip("172.16.0.1")));
  EXPECT_TRUE(r.contains(ip("172.31.255.255")));
  EXPECT_FALSE(r.contains(ip("172.32.0.0")));
  EXPECT_FALSE(r.contains(ip("172.15.255.255")));
  // Host bits set in the network part do not matter.
  EXPECT_TRUE(range("192.168.1.77/24").contains(ip("192.168.1.1")));
  EXPECT_FALSE(range("192.168.1.77/24").contains(ip("192.168.2.1")));
}

TEST(IpRange, V6Cidr) {
  const IpRange r = range("fd00::/8");
  EXPECT_TRUE(r.contains(ip("fd00::1")));
  EXPECT_TRUE(r.contains(ip("fdff:ffff::abcd")));
  EXPECT_FALSE(r.contains(ip("fe00::1")));
  EXPECT_FALSE(r.contains(ip("fc00::1")));
  EXPECT_FALSE(r.contains(ip("10.0.0.1")));

  const IpRange host = range("2001:db8::5");
  EXPECT_TRUE(host.contains(ip("2001:db8::5")));
  EXPECT_FALSE(host.contains(ip("2001:db8::6")));
  EXPECT_TRUE(range("[2001:db8::]/32").contains(ip("2001:db8:ffff::1")));
}

TEST(IpRange, MappedV6RangeMatchesV4Peers) {
  const IpRange r = range("::ffff:10.0.0.0/104");
  EXPECT_TRUE(r.contains(ip("10.9.8.7")));
  EXPECT_FALSE(r.contains(ip("11.0.0.1")));
}

TEST(IpRange, PrefixZero) {
  const IpRange any_v4 = range("0.0.0.0/0");
  EXPECT_TRUE(any_v4.contains(ip("1.2.3.4")));
  EXPECT_TRUE(any_v4.contains(ip("255.255.255.255")));
  EXPECT_FALSE(any_v4.contains(ip("2001:db8::1")));  // v4 /0 is every v4 address, no v6

  const IpRange any = range("::/0");
  EXPECT_TRUE(any.contains(ip("2001:db8::1")));
  EXPECT_TRUE(any.contains(ip("1.2.3.4")));
}

TEST(IpRange, FullPrefixes) {
  EXPECT_TRUE(range("1.2.3.4/32").contains(ip("1.2.3.4")));
  EXPECT_FALSE(range("1.2.3.4/32").contains(ip("1.2.3.5")));
  EXPECT_TRUE(range("::1/128").contains(ip("::1")));
  EXPECT_FALSE(range("::1/128").contains(ip("::3")));
}

TEST(IpRange, RefusesBadInputs) {
  auto bits = IpRange::parse("1.2.3.4/33");
  ASSERT_FALSE(bits.has_value());
  EXPECT_EQ(bits.error().message, "\"1.2.3.4/33\" has a bad prefix length");

  auto nonsense = IpRange::parse("nonsense");
  ASSERT_FALSE(nonsense.has_value());
  EXPECT_EQ(nonsense.error().message, "\"nonsense\" is not an IP address or CIDR range");

  auto x = IpRange::parse("1.2.3.4/x");
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().message, "\"1.2.3.4/x\" has a bad prefix length");

  for (const char* bad : {"1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/8x", "1.2.3.4/ 8", "::1/129", "/8", "",
                          "300.1.1.1/8", "1.2.3.4/8/8"})
    EXPECT_FALSE(IpRange::parse(bad).has_value()) << bad;
}

TEST(IpRange, ParseListSkipsBlanks) {
  auto list = IpRange::parse_list(" 172.17.0.1 , ,10.0.0.0/8,fd00::/8 ,");
  ASSERT_TRUE(list.has_value()) << list.error().message;
  ASSERT_EQ(list->size(), 3u);
  EXPECT_TRUE((*list)[0].contains(ip("172.17.0.1")));
  EXPECT_TRUE((*list)[1].contains(ip("10.1.1.1")));
  EXPECT_TRUE((*list)[2].contains(ip("fd12::1")));

  auto empty = IpRange::parse_list("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  auto blanks = IpRange::parse_list(" ,  , ");
  ASSERT_TRUE(blanks.has_value());
  EXPECT_TRUE(blanks->empty());
}

TEST(IpRange, ParseListNamesTheBadEntry) {
  auto list = IpRange::parse_list("10.0.0.0/8, 1.2.3.4/33");
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().message, "\"1.2.3.4/33\" has a bad prefix length");
}

}  // namespace
}  // namespace ebworker
