// Connection handling: aws-sqsd keeps its connections open between messages (HTTP/1.1's
// default); a client that asks to close gets the connection closed by the server.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <ebworker/worker/headers.h>

#include "core/text.h"
#include "support/raw_connection.h"
#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class KeepAlive : public WorkerTest {
 protected:
  // The request as bytes on the wire, with `extra` header lines (each ending in \r\n).
  std::string raw_request(const WorkerProcess& worker, const SqsdMessage& m, const std::string& extra = "") {
    std::string out = "POST / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(worker.port()) + "\r\n";
    for (const auto& h : m.headers) out += h + "\r\n";
    out += extra + "Content-Length: " + std::to_string(m.body.size()) + "\r\n\r\n" + m.body;
    return out;
  }
};

TEST_F(KeepAlive, SecondRequestReusesTheConnection) {
  auto& worker = start_worker();
  HttpClient client;
  const auto m1 = job_message("EchoJob", "[1]", signer_);
  const auto r1 = post(client, worker.url(), m1.body, m1.headers);
  ASSERT_EQ(r1.status, 200) << r1.describe();
  EXPECT_EQ(r1.new_connections, 1);
  EXPECT_EQ(r1.header("Connection"), "Keep-Alive");

  const auto m2 = job_message("EchoJob", "[2]", signer_);
  const auto r2 = post(client, worker.url(), m2.body, m2.headers);
  ASSERT_EQ(r2.status, 200) << r2.describe();
  EXPECT_EQ(r2.new_connections, 0) << "the second request opened a new connection";
  EXPECT_EQ(r2.header("Connection"), "Keep-Alive");

  EXPECT_TRUE(logged_once(worker, m1.msgid, 200));
  EXPECT_TRUE(logged_once(worker, m2.msgid, 200));
  EXPECT_EQ(echo_output(), "[1]\n[2]\n");
}

TEST_F(KeepAlive, RawConnectionServesTwoRequestsWithoutConnectionHeader) {
  auto& worker = start_worker();
  RawConnection conn("127.0.0.1", worker.port());
  const auto m1 = job_message("EchoJob", "[1]", signer_);
  conn.send(raw_request(worker, m1));
  const auto a1 = conn.read_response(10s);
  ASSERT_TRUE(a1) << worker.log();
  EXPECT_TRUE(a1->starts_with("HTTP/1.1 200")) << *a1;
  EXPECT_NE(a1->find("Connection: Keep-Alive\r\n"), std::string::npos) << *a1;

  const auto m2 = job_message("EchoJob", "[2]", signer_);
  conn.send(raw_request(worker, m2));
  const auto a2 = conn.read_response(10s);
  ASSERT_TRUE(a2) << "no answer to the second request on the same connection; log:\n" << worker.log();
  EXPECT_TRUE(a2->starts_with("HTTP/1.1 200")) << *a2;
  EXPECT_TRUE(logged_once(worker, m2.msgid, 200));
}

TEST_F(KeepAlive, ConnectionCloseIsHonoured) {
  auto& worker = start_worker();
  // On the wire: the server answers, says Close, and closes its end.
  {
    RawConnection conn("127.0.0.1", worker.port());
    const auto m = job_message("EchoJob", "[\"raw\"]", signer_);
    conn.send(raw_request(worker, m, "Connection: close\r\n"));
    const auto answer = conn.read_response(10s);
    ASSERT_TRUE(answer) << worker.log();
    EXPECT_TRUE(answer->starts_with("HTTP/1.1 200")) << *answer;
    EXPECT_NE(answer->find("Connection: Close\r\n"), std::string::npos) << *answer;
    EXPECT_TRUE(conn.wait_for_close(10s)) << "the server kept the connection open";
    EXPECT_TRUE(logged_once(worker, m.msgid, 200));
  }
  // Through libcurl: the request after a Connection: close one needs a new connection.
  HttpClient client;
  auto m1 = job_message("EchoJob", "[1]", signer_);
  m1.add_header("Connection: close");
  const auto r1 = post(client, worker.url(), m1.body, m1.headers);
  ASSERT_EQ(r1.status, 200) << r1.describe();
  EXPECT_TRUE(iequals(r1.header("Connection"), "close")) << r1.header("Connection");
  const auto m2 = job_message("EchoJob", "[2]", signer_);
  const auto r2 = post(client, worker.url(), m2.body, m2.headers);
  ASSERT_EQ(r2.status, 200) << r2.describe();
  EXPECT_EQ(r2.new_connections, 1);
}

}  // namespace
}  // namespace ebworker::testing
