// Time on the HTTP layer: a job may run far past the read timeouts (pistache's 60 s by default
// once cut every job there with a 408 while the job ran on), while a client that is slow to
// *send* its request is still cut off and its connection closed. The timeouts are lowered
// through configuration to keep these short; the e2e minute-scale test covers the defaults.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/http_post.h"
#include "support/raw_connection.h"
#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class LongJob : public WorkerTest {};

TEST_F(LongJob, OutlivesTheReadTimeoutAndGets200) {
  auto& worker = start_worker({{"EBWORKER_READ_TIMEOUT", "1"}});
  HttpClient client;
  const auto m = job_message("SleepJob", "[2500]", signer_);
  const auto r = post(client, worker.url(), m.body, m.headers, 20s);
  ASSERT_EQ(r.status, 200) << r.describe() << "\n" << worker.log();
  EXPECT_TRUE(logged_once(worker, m.msgid, 200));

  // The connection it ran on is still good for the next message.
  const auto next = job_message("EchoJob", "[1]", signer_);
  const auto r2 = post(client, worker.url(), next.body, next.headers);
  ASSERT_EQ(r2.status, 200) << r2.describe();
  EXPECT_EQ(r2.new_connections, 0);
}

TEST_F(LongJob, ASenderStalledInTheHeadersIsCutOffWith408AndClosed) {
  auto& worker = start_worker({{"EBWORKER_READ_TIMEOUT", "1"}});
  RawConnection conn("127.0.0.1", worker.port());
  conn.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: aws-sqsd/3.0\r\n");  // and nothing more
  const auto answer = conn.read_response(10s);
  ASSERT_TRUE(answer) << "no answer to a stalled request\n" << worker.log();
  EXPECT_TRUE(answer->starts_with("HTTP/1.1 408")) << *answer;
  EXPECT_TRUE(conn.wait_for_close(10s)) << "the stalled connection was left open";
}

TEST_F(LongJob, ASenderStalledInTheBodyIsCutOffWith408AndClosed) {
  auto& worker = start_worker({{"EBWORKER_READ_TIMEOUT", "1"}});
  RawConnection conn("127.0.0.1", worker.port());
  conn.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"job");  // 95 bytes short
  const auto answer = conn.read_response(10s);
  ASSERT_TRUE(answer) << "no answer to a stalled body\n" << worker.log();
  EXPECT_TRUE(answer->starts_with("HTTP/1.1 408")) << *answer;
  EXPECT_TRUE(conn.wait_for_close(10s));
}

TEST_F(LongJob, TheConnectionTimeoutBoundsHowLongAJobsConnectionStaysOpen) {
  // The job runs on, but its connection goes at 1 s: no 200, so the daemon would retry it.
  auto& worker = start_worker({{"EBWORKER_CONNECTION_TIMEOUT", "1"}});
  HttpClient client;
  const auto m = job_message("SleepJob", "[4000]", signer_);
  const auto started = std::chrono::steady_clock::now();
  const auto r = post(client, worker.url(), m.body, m.headers, 20s);
  EXPECT_FALSE(r.ok()) << r.describe();
  EXPECT_EQ(r.status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3800ms) << "closed only when the job ended";
}

}  // namespace
}  // namespace ebworker::testing
