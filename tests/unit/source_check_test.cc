// SourceCheck: only loopback and configured ranges may post jobs; the peer address is what the
// socket says, and headers naming another address change nothing.

#include <gtest/gtest.h>

#include <ebworker/worker/middleware/source_check.h>
#include <ebworker/worker/stack.h>


namespace ebworker {
namespace {

SourceCheck with_trusted(const std::vector<std::string>& ranges) {
  auto check = SourceCheck::trusting(ranges);
  if (!check) throw std::runtime_error(check.error().message);
  return std::move(check).value();
}

TEST(SourceCheck, LoopbackOnlyByDefault) {
  const SourceCheck check;
  EXPECT_TRUE(check.allows("127.0.0.1"));
  EXPECT_TRUE(check.allows("127.255.255.254"));
  EXPECT_TRUE(check.allows("::1"));
  EXPECT_TRUE(check.allows("::ffff:127.0.0.1"));
  EXPECT_FALSE(check.allows("128.0.0.1"));
  EXPECT_FALSE(check.allows("::2"));
  EXPECT_FALSE(check.allows("::ffff:10.0.0.1"));
  EXPECT_FALSE(check.allows("172.17.0.1"));
}

TEST(SourceCheck, UnparsablePeersAreRefused) {
  const SourceCheck check = with_trusted({"0.0.0.0/0", "::/0"});
  EXPECT_FALSE(check.allows(""));
  EXPECT_FALSE(check.allows("localhost"));
  EXPECT_FALSE(check.allows("127.0.0.1:5000"));
  EXPECT_FALSE(check.allows("nonsense"));
}

TEST(SourceCheck, ConfiguredRanges) {
  const SourceCheck check = with_trusted({"172.17.0.1", "10.0.0.0/8", "fd00::/8"});
  EXPECT_TRUE(check.allows("172.17.0.1"));
  EXPECT_TRUE(check.allows("::ffff:172.17.0.1"));  // a v4 range matches a mapped v4 peer
  EXPECT_FALSE(check.allows("172.17.0.2"));
  EXPECT_TRUE(check.allows("10.200.3.4"));
  EXPECT_TRUE(check.allows("::ffff:10.200.3.4"));
  EXPECT_FALSE(check.allows("11.0.0.1"));
  EXPECT_TRUE(check.allows("fd00::1"));
  EXPECT_TRUE(check.allows("fdab:cd::1"));
  EXPECT_FALSE(check.allows("fe80::1"));
  // Loopback stays allowed alongside configured ranges.
  EXPECT_TRUE(check.allows("127.0.0.1"));
  EXPECT_TRUE(check.allows("::1"));
}

TEST(SourceCheck, CallRefusesWith403AndIgnoresForwardingHeaders) {
  Stack stack;
  stack.add<SourceCheck>();
  int app_calls = 0;
  const App app = [&](Request&) {
    ++app_calls;
    return Response::ok("app\n");
  };

  Request request;
  request.method = "POST";
  request.path = "/";
  request.peer_address = "203.0.113.9";
  request.headers.add("X-Forwarded-For", "127.0.0.1");
  request.headers.add("X-Real-IP", "127.0.0.1");
  request.headers.add("Forwarded", "for=127.0.0.1");
  const Response refused = stack.call(request, app);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.reason, "source 203.0.113.9 is not loopback and not in EBWORKER_TRUSTED_SOURCES");
  EXPECT_EQ(refused.body, refused.reason + "\n");
  EXPECT_EQ(app_calls, 0);

  Request local;
  local.peer_address = "127.0.0.1";
  local.headers.add("X-Forwarded-For", "203.0.113.9");
  EXPECT_EQ(stack.call(local, app).status, 200);
  EXPECT_EQ(app_calls, 1);
}

TEST(SourceCheck, ARangeThatIsNoneIsRefusedByName) {
  const auto check = SourceCheck::trusting({"10.0.0.0/8", "10.0.0.0/33"});
  ASSERT_FALSE(check);
  EXPECT_NE(check.error().message.find("10.0.0.0/33"), std::string::npos) << check.error().message;
  EXPECT_FALSE(SourceCheck::trusting({"not-an-address"}));
}

}  // namespace
}  // namespace ebworker
