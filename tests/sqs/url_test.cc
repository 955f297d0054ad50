// net/url.h: libcurl's URL parser, the one the queue URL, the SQS endpoint and the container
// credentials URL are read with.

#include <gtest/gtest.h>

#include "net/url.h"

namespace ebworker {
namespace {

TEST(Url, Parts) {
  auto u = parse_url("HTTPS://SQS.us-east-1.localhost:4566/000000000000/orders.fifo");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "SQS.us-east-1.localhost");
  EXPECT_EQ(u->port, "4566");
  EXPECT_EQ(u->path, "/000000000000/orders.fifo");
  EXPECT_EQ(u->authority(), "SQS.us-east-1.localhost:4566");
}

TEST(Url, NoPortNoPath) {
  auto u = parse_url("http://localhost");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->port, "");
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->authority(), "localhost");
}

TEST(Url, Ipv6WithoutBracketsButInTheAuthority) {
  auto u = parse_url("http://[::1]:9324/q");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->authority(), "[::1]:9324");
}

TEST(Url, TheHostLibcurlWouldConnectTo) {
  auto userinfo = parse_url("http://127.0.0.1@example.com/creds");
  ASSERT_TRUE(userinfo);
  EXPECT_EQ(userinfo->host, "example.com");
  EXPECT_EQ(userinfo->authority(), "example.com");
  auto query = parse_url("https://host?x/1/q");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->host, "host");
  EXPECT_EQ(query->path, "/");
}

TEST(Url, ThePathAsWritten) {
  auto u = parse_url("https://host/a/../b%2Fc/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->path, "/a/../b%2Fc/");
}

TEST(Url, AnySchemeIsTheCallersToRefuse) {
  auto u = parse_url("ftp://host/x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "ftp");
}

TEST(Url, RefusesWhatIsNotOne) {
  for (const char* bad : {"", "not a url", "127.0.0.1:9324", "https://[::1/x", "https://host:99999/x",
                          "https://ho st/x"}) {
    auto u = parse_url(bad);
    ASSERT_FALSE(u) << bad;
    EXPECT_FALSE(u.error().message.empty()) << bad;
  }
}

}  // namespace
}  // namespace ebworker
