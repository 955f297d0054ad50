// The worker bound to the IPv6 loopback.

#include <gtest/gtest.h>

#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

class Ipv6 : public WorkerTest {};

TEST_F(Ipv6, SignedJobOnV6LoopbackIs200) {
  auto& worker = start_worker({{"EBWORKER_BIND", "::1"}});
  ASSERT_EQ(worker.host(), "[::1]");
  const auto message = job_message("EchoJob", "[6]", signer_);
  HttpClient client;
  const auto r = post(client, "http://[::1]:" + std::to_string(worker.port()) + "/", message.body, message.headers);
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 200, "peer=::1 "));
  EXPECT_EQ(echo_output(), "[6]\n");
}

}  // namespace
}  // namespace ebworker::testing
