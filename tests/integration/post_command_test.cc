// `ebworker post` signs a job and posts it as aws-sqsd would.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class PostCommand : public WorkerTest {};

TEST_F(PostCommand, PostsASignedJobThatRuns) {
  auto& worker = start_worker();
  Environment env = base_environment();
  env["SECRET_KEY_BASE"] = std::string(kTestKey);
  const auto r = run_command(EBWORKER_BINARY, {"post", "EchoJob", "[1]", "--url", worker.url()}, env, 10s);
  ASSERT_TRUE(r.success()) << r.describe();
  EXPECT_NE(r.out.find("status=200"), std::string::npos) << r.describe();
  const auto line = worker.wait_for_line(
      [](std::string_view l) {
        return l.find("POST / status=200 ") != std::string_view::npos && l.find(" job=EchoJob ") != std::string_view::npos;
      },
      5s);
  EXPECT_TRUE(line) << worker.log();
  EXPECT_EQ(echo_output(), "[1]\n");
}

}  // namespace
}  // namespace ebworker::testing
