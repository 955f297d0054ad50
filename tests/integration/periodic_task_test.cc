// A cron.yaml task as aws-sqsd delivers it: empty body, X-Aws-Sqsd-Taskname, no signature.

#include <gtest/gtest.h>

#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

class PeriodicTask : public WorkerTest {};

TEST_F(PeriodicTask, DeclaredTaskRunsUnsignedWithNoArguments) {
  auto& worker = start_worker();
  const auto message = periodic_message("EchoJob");
  ASSERT_TRUE(message.body.empty());
  const auto r = send(worker, message, "/periodic_tasks");
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_TRUE(logged_once(worker, message.msgid, 200, "POST /periodic_tasks status=200"));
  EXPECT_EQ(echo_output(), "[]\n");
}

}  // namespace
}  // namespace ebworker::testing
