// Headers a middleware or the app puts on a Response reach the client as written, Content-Type
// included (once a segmentation fault inside pistache); a Content-Length of theirs never
// replaces the real one.

#include <gtest/gtest.h>

#include "support/fake_http_server.h"
#include "support/http_post.h"

namespace ebworker::testing {
namespace {

TEST(ResponseHeaders, ContentTypeAndCustomHeadersAreSentAndLengthStaysTrue) {
  FakeHttpServer server([](const Request&) {
    Response r = Response::ok(R"({"ok":true})");
    r.headers.add("Content-Type", "application/json");
    r.headers.add("Content-Length", "3");
    r.headers.add("X-Job-Id", "abc");
    return r;
  });
  HttpClient client;
  for (int i = 0; i < 2; ++i) {  // and the connection survives it
    const auto got = post(client, server.url() + "/", "{}", {});
    ASSERT_EQ(got.status, 200) << got.describe();
    EXPECT_EQ(got.body, R"({"ok":true})");
    EXPECT_EQ(got.header("Content-Type"), "application/json");
    EXPECT_EQ(got.header("Content-Length"), "11");
    EXPECT_EQ(got.header("X-Job-Id"), "abc");
  }
}

TEST(ResponseHeaders, AnUnreadableContentTypeFallsBackToTextPlain) {
  FakeHttpServer server([](const Request&) {
    Response r = Response::ok("hi\n");
    r.headers.add("Content-Type", "not a media type at all");
    return r;
  });
  HttpClient client;
  const auto got = post(client, server.url() + "/", "{}", {});
  ASSERT_EQ(got.status, 200) << got.describe();
  EXPECT_EQ(got.header("Content-Type"), "text/plain");
}

}  // namespace
}  // namespace ebworker::testing
