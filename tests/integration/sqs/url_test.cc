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

// A user name and password in a URL are never printed: what a message quotes of a URL.
TEST(RedactedUrl, HidesTheUserNameAndPassword) {
  EXPECT_EQ(redacted_url("https://user:s3cret@sqs.us-east-1.amazonaws.com/1/jobs"),
            "https://***@sqs.us-east-1.amazonaws.com/1/jobs");
  EXPECT_EQ(redacted_url("http://s3cret@127.0.0.1:9/"), "http://***@127.0.0.1:9/");
  EXPECT_EQ(redacted_url("http://a@b:s3cret@host/x"), "http://***@host/x");
  EXPECT_EQ(redacted_url("https://user:pa/ss@host/q"), "https://***@host/q") << "a malformed password too";
  EXPECT_EQ(redacted_url("user:s3cret@host/q"), "***@host/q") << "no scheme";
  EXPECT_EQ(redacted_url("https://host/q?mail=a@b.example#x@y"), "https://host/q?mail=a@b.example#x@y");
  EXPECT_EQ(redacted_url("https://sqs.us-east-1.amazonaws.com/1/jobs"), "https://sqs.us-east-1.amazonaws.com/1/jobs");
  EXPECT_EQ(redacted_url(""), "");
  // libcurl reads one slash or three as two, user name included (fuzz_settings found these).
  EXPECT_EQ(redacted_url("https:/user:s3cret@host/q"), "https:/***@host/q");
  EXPECT_EQ(redacted_url("http:///user:s3cret@host/q"), "http:///***@host/q");
  EXPECT_TRUE(parse_url("https:/user:s3cret@host/q")->credentials);
}

TEST(Url, SaysWhetherItHoldsCredentials) {
  EXPECT_TRUE(parse_url("https://user:pw@host/")->credentials);
  EXPECT_TRUE(parse_url("https://user@host/")->credentials);
  EXPECT_FALSE(parse_url("https://host/a@b")->credentials);
}

}  // namespace
}  // namespace ebworker
