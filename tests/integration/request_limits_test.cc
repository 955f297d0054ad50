// Hostile and odd requests over a raw socket to a real worker: refused early and cheaply by the
// request gate (src/http/request_gate.h), each with a specific status and one log line; the
// answers pistache used to give (500 with a C++ exception's name, a duplicate Content-Length
// taken, 408s and 413s without a log line) are gone.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "support/http_post.h"
#include "support/raw_connection.h"
#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RequestLimits : public WorkerTest {
 protected:
  // A POST with the daemon's message id and `extra` header lines (each ending in \r\n).
  static std::string post_head(const std::string& msgid, const std::string& extra) {
    return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: aws-sqsd/3.0\r\nX-Aws-Sqsd-Msgid: " + msgid +
           "\r\n" + extra;
  }

  // Sends `bytes` and returns the one answer (and checks the connection is then closed).
  static std::string answer_to(const WorkerProcess& worker, const std::string& bytes) {
    RawConnection conn("127.0.0.1", worker.port());
    conn.send(bytes);
    const auto answer = conn.read_response(5s);
    if (!answer) return "(no answer)";
    EXPECT_TRUE(conn.wait_for_close(5s)) << "the connection of a refused request was left open";
    return *answer;
  }
};

TEST_F(RequestLimits, ContentLengthMinusOneIs400WithALogLine) {
  auto& worker = start_worker();
  const auto answer = answer_to(worker, post_head("cl-minus-one", "Content-Length: -1\r\n\r\n"));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << answer;
  EXPECT_EQ(answer.find("basic_string"), std::string::npos) << answer;
  EXPECT_TRUE(logged_once(worker, "cl-minus-one", 400, "reason=Content-Length \"-1\" is not a number of bytes"));
}

TEST_F(RequestLimits, ATwentyDigitContentLengthIs400WithALogLine) {
  auto& worker = start_worker();
  const auto answer = answer_to(worker, post_head("cl-20-digits", "Content-Length: 12345678901234567890\r\n\r\n"));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << answer;
  EXPECT_EQ(answer.find("stoull"), std::string::npos) << answer;
  EXPECT_TRUE(logged_once(worker, "cl-20-digits", 400,
                          "reason=Content-Length \"12345678901234567890\" is not a number of bytes"));
}

TEST_F(RequestLimits, TwoDifferentContentLengthsAre400WithALogLine) {
  auto& worker = start_worker();
  const auto m = job_message("EchoJob", "[1]", signer_);
  std::string extra;
  for (const auto& h : m.headers) extra += h + "\r\n";
  extra += "Content-Length: " + std::to_string(m.body.size()) + "\r\nContent-Length: " +
           std::to_string(m.body.size() + 1) + "\r\n\r\n" + m.body + "x";
  const auto answer = answer_to(worker, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << answer;
  EXPECT_TRUE(logged_once(worker, m.msgid, 400, "reason=two different Content-Length headers"));
  EXPECT_EQ(echo_output(), "") << "the job ran";
}

TEST_F(RequestLimits, TheSameContentLengthTwiceIsTaken) {
  auto& worker = start_worker();
  const auto m = job_message("EchoJob", "[7]", signer_);
  std::string bytes = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& h : m.headers) bytes += h + "\r\n";
  const std::string length = "Content-Length: " + std::to_string(m.body.size()) + "\r\n";
  bytes += length + length + "\r\n" + m.body;
  RawConnection conn("127.0.0.1", worker.port());
  conn.send(bytes);
  const auto answer = conn.read_response(10s);
  ASSERT_TRUE(answer) << worker.log();
  EXPECT_TRUE(answer->starts_with("HTTP/1.1 200 ")) << *answer;
  EXPECT_TRUE(logged_once(worker, m.msgid, 200));
}

TEST_F(RequestLimits, AChunkedBodyIs411WithALogLine) {
  auto& worker = start_worker();
  const auto answer =
      answer_to(worker, post_head("chunked", "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 411 ")) << answer;
  EXPECT_TRUE(logged_once(worker, "chunked", 411, "reason=a Transfer-Encoding body is not taken"));
}

// pistache answered this 413 itself once (beyond EBWORKER_MAX_BODY plus its header allowance),
// without a log line; now the gate answers from the Content-Length, before the body is read.
TEST_F(RequestLimits, ABodyFarOverTheLimitIs413WithALogLineBeforeItIsSent) {
  auto& worker = start_worker({{"EBWORKER_MAX_BODY", "2000"}});
  const auto answer = answer_to(worker, post_head("far-over", "Content-Length: 5000000\r\n\r\n"));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer;
  EXPECT_TRUE(logged_once(worker, "far-over", 413, "reason=body of 5000000 bytes is over EBWORKER_MAX_BODY (2000)"));
}

// pistache writes the 408 itself; the gate, which saw the request begin, logs it.
TEST_F(RequestLimits, TheReadTimeouts408HasALogLine) {
  auto& worker = start_worker({{"EBWORKER_READ_TIMEOUT", "1"}});
  RawConnection conn("127.0.0.1", worker.port());
  conn.send(post_head("stalled", "Content-Length: 100\r\n\r\n{\"job"));  // 95 bytes short
  const auto answer = conn.read_response(10s);
  ASSERT_TRUE(answer) << worker.log();
  EXPECT_TRUE(answer->starts_with("HTTP/1.1 408")) << *answer;
  EXPECT_TRUE(logged_once(worker, "stalled", 408, "reason=request not whole within EBWORKER_READ_TIMEOUT (1 s)"));
}

TEST_F(RequestLimits, MoreThanAHundredHeadersAre431) {
  auto& worker = start_worker();
  std::string extra;
  for (int i = 0; i < 101; ++i) extra += "X-Filler-" + std::to_string(i) + ": v\r\n";
  const auto answer = answer_to(worker, post_head("many-headers", extra + "\r\n"));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 431 ")) << answer;
  EXPECT_TRUE(logged_once(worker, "many-headers", 431, "reason=more than 100 headers"));
}

TEST_F(RequestLimits, AHeaderBlockOver64KiBIs431) {
  auto& worker = start_worker();
  const auto answer = answer_to(worker, post_head("big-head", "X-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n"));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 431 ")) << answer;
  EXPECT_TRUE(logged_once(worker, "big-head", 431, "reason=request line and headers over 65536 bytes"));
}

// What aws-sqsd can send is never refused: its own headers and SQS's ten message attributes, each
// as large as nginx in front lets a header line be (8 KiB by default).
TEST_F(RequestLimits, AnAwsSqsdPostWithTenLargeAttributesIsTaken) {
  auto& worker = start_worker();
  auto m = job_message("EchoJob", "[3]", signer_);
  for (int i = 0; i < 10; ++i)
    m.headers.push_back("X-Aws-Sqsd-Attr-attribute-" + std::to_string(i) + ": " + std::string(6000, 'v'));
  for (const char* h : {"X-Aws-Sqsd-Receive-Count: 1", "X-Aws-Sqsd-Queue: jobs", "X-Aws-Sqsd-Path: /",
                        "X-Aws-Sqsd-Sender-Id: AIDAEXAMPLE", "X-Aws-Sqsd-First-Received-At: 2026-12-07T10:00:00Z",
                        "X-Aws-Sqsd-Sent-At: 2026-12-07T10:00:00Z", "Accept-Encoding: gzip",
                        "X-Forwarded-For: 127.0.0.1", "X-Real-IP: 127.0.0.1"})
    m.headers.emplace_back(h);
  HttpClient client;
  const auto r = post(client, worker.url(), m.body, m.headers);
  EXPECT_EQ(r.status, 200) << r.describe() << "\n" << worker.log();
  EXPECT_TRUE(logged_once(worker, m.msgid, 200));
}

// The limits count per request: a kept-alive connection may carry any number of requests.
TEST_F(RequestLimits, ALimitBrokenOnAKeptAliveConnectionRefusesThatRequestOnly) {
  auto& worker = start_worker();
  RawConnection conn("127.0.0.1", worker.port());
  std::string headers;
  for (int i = 0; i < 60; ++i) headers += "X-Filler-" + std::to_string(i) + ": v\r\n";
  for (int i = 0; i < 3; ++i) {  // 180 headers over three requests
    conn.send("GET /_ebworker/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
    const auto answer = conn.read_response(5s);
    ASSERT_TRUE(answer) << worker.log();
    EXPECT_TRUE(answer->starts_with("HTTP/1.1 200 ")) << *answer;
  }
  conn.send(post_head("fourth", headers + headers + "\r\n"));
  const auto refused = conn.read_response(5s);
  ASSERT_TRUE(refused) << worker.log();
  EXPECT_TRUE(refused->starts_with("HTTP/1.1 431 ")) << *refused;
  EXPECT_TRUE(conn.wait_for_close(5s));
}

// 100,000 headers (1.2 MB) took pistache's parser seconds, holding its I/O thread (with one I/O
// thread, every other request waited). Now the request is refused after its 101st header and the
// rest of its bytes are dropped unread by the parser: the answer comes at once and the health
// probe, on the same single I/O thread, is not held up.
TEST_F(RequestLimits, AFloodOfAHundredThousandHeadersIsRefusedAtOnceAndHoldsNothing) {
  auto& worker = start_worker({{"EBWORKER_IO_THREADS", "1"}});
  std::string flood = post_head("flood", "");
  for (int i = 0; i < 100000; ++i) flood += "X-Flood-" + std::to_string(i) + ": v\r\n";
  flood += "\r\n";
  ASSERT_GT(flood.size(), 1'100'000u);

  RawConnection conn("127.0.0.1", worker.port());
  std::atomic<bool> sent{false};
  const auto start = Clock::now();
  std::thread sender([&] {
    try {
      conn.send(flood);
    } catch (const std::exception&) {
      // The worker may close the connection before taking every byte: that is the point.
    }
    sent = true;
  });
  // Health on another connection while the flood arrives; the same I/O thread serves both.
  HttpClient client;
  auto slowest_health = Clock::duration::zero();
  for (int i = 0; i < 20 && !sent; ++i) {
    const auto asked = Clock::now();
    const auto health = get(client, worker.url("/_ebworker/health"), 10s);
    slowest_health = std::max(slowest_health, Clock::now() - asked);
    EXPECT_EQ(health.status, 200) << health.describe();
  }
  const auto answer = conn.read_response(10s);
  const auto answered_after = Clock::now() - start;
  sender.join();
  ASSERT_TRUE(answer) << worker.log();
  EXPECT_TRUE(answer->starts_with("HTTP/1.1 431 ")) << *answer;
  const auto ms = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::cout << "flood of 100,000 headers: 431 after " << ms(answered_after) << " ms; slowest health meanwhile "
            << ms(slowest_health) << " ms\n";
  // Generous bounds for a loaded machine and a sanitizer build; pistache took 6,100 ms.
  EXPECT_LT(answered_after, 1s);
  EXPECT_LT(slowest_health, 500ms);
  EXPECT_TRUE(logged_once(worker, "flood", 431, "reason=more than 100 headers"));
}

}  // namespace
}  // namespace ebworker::testing
