// The request gate reads a connection's bytes before pistache does: limits on the header block,
// Content-Length checked, keep-alive followed by body length, whatever the chunking.

#include <gtest/gtest.h>

#include <string>

#include "http/request_gate.h"

namespace ebworker {
namespace {

RequestLimits limits() { return RequestLimits{.max_headers = 5, .max_header_bytes = 300, .max_body = 100}; }

// Feeds `bytes` in pieces of `step` bytes; the first refusal, if any.
std::optional<GateRefusal> feed(RequestGate& gate, std::string_view bytes, std::size_t step) {
  for (std::size_t at = 0; at < bytes.size(); at += step)
    if (auto refusal = gate.scan(bytes.substr(at, step))) return refusal;
  return std::nullopt;
}

const std::string kPost = "POST / HTTP/1.1\r\nX-Aws-Sqsd-Msgid: m-1\r\nContent-Length: 5\r\n\r\nhello";

TEST(RequestGate, PassesRequestsWithinTheLimitsInAnyChunking) {
  for (std::size_t step : {1u, 2u, 7u, 1000u}) {
    RequestGate gate(limits());
    EXPECT_FALSE(feed(gate, kPost + kPost + "GET /x HTTP/1.1\r\n\r\n", step)) << step;
    EXPECT_TRUE(gate.between_requests()) << step;
  }
}

TEST(RequestGate, IsMidRequestUntilTheBodyIsWhole) {
  RequestGate gate(limits());
  EXPECT_FALSE(gate.scan(kPost.substr(0, kPost.size() - 1)));
  EXPECT_FALSE(gate.between_requests());
  EXPECT_FALSE(gate.scan("o"));
  EXPECT_TRUE(gate.between_requests());
}

TEST(RequestGate, MoreHeadersThanTheBoundAre431WithWhatWasRead) {
  RequestGate gate(limits());
  std::string request = "POST /jobs HTTP/1.1\r\nX-Aws-Sqsd-Msgid: m-2\r\n";
  for (int i = 0; i < 5; ++i) request += "X: y\r\n";
  const auto refusal = feed(gate, request, 3);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 431);
  EXPECT_EQ(refusal->reason, "more than 5 headers");
  EXPECT_EQ(refusal->request.method, "POST");
  EXPECT_EQ(refusal->request.path, "/jobs");
  EXPECT_EQ(refusal->request.message_id(), "m-2");
  EXPECT_TRUE(gate.closing());
  EXPECT_FALSE(gate.scan("more bytes are ignored"));
}

TEST(RequestGate, AHeaderBlockOverTheBoundIs431BeforeItsLineEnds) {
  RequestGate gate(limits());
  const auto refusal = feed(gate, "GET / HTTP/1.1\r\nX: " + std::string(400, 'a'), 50);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 431);
  EXPECT_EQ(refusal->reason, "request line and headers over 300 bytes");
}

TEST(RequestGate, BadContentLengthsAre400) {
  for (const auto& [value, reason] : std::vector<std::pair<std::string, std::string>>{
           {"-1", "Content-Length \"-1\" is not a number of bytes"},
           {"12345678901234567890", "Content-Length \"12345678901234567890\" is not a number of bytes"},
           {"", "Content-Length \"\" is not a number of bytes"},
           {"5x", "Content-Length \"5x\" is not a number of bytes"}}) {
    RequestGate gate(limits());
    const auto refusal = gate.scan("POST / HTTP/1.1\r\nContent-Length: " + value + "\r\n\r\n");
    ASSERT_TRUE(refusal) << value;
    EXPECT_EQ(refusal->status, 400) << value;
    EXPECT_EQ(refusal->reason, reason);
  }
}

TEST(RequestGate, TwoDifferentContentLengthsAre400AndTheSameOneTwiceIsFine) {
  RequestGate differing(limits());
  const auto refusal = differing.scan("POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 3\r\n\r\nabc");
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 400);
  EXPECT_EQ(refusal->reason, "two different Content-Length headers (2 and 3)");
  RequestGate same(limits());
  EXPECT_FALSE(same.scan("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"));
  EXPECT_TRUE(same.between_requests());
}

TEST(RequestGate, ABodyOverTheLimitIs413BeforeItArrives) {
  RequestGate gate(limits());
  const auto refusal = gate.scan("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n");
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 413);
  EXPECT_EQ(refusal->reason, "body of 101 bytes is over EBWORKER_MAX_BODY (100)");
}

TEST(RequestGate, TransferEncodingIs411) {
  RequestGate gate(limits());
  const auto refusal = gate.scan("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 411);
}

TEST(RequestGate, TheLimitsCountPerRequestOnAKeptAliveConnection) {
  RequestGate gate(limits());
  std::string request = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5; ++i) request += "X: y\r\n";
  request += "\r\n";
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(gate.scan(request)) << i;  // 100 headers in all, 5 a request
}

}  // namespace
}  // namespace ebworker
