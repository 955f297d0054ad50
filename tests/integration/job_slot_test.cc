// A job's slot is free before its answer leaves: a daemon whose HttpConnections equals
// EBWORKER_JOB_THREADS posts the next message the moment it hears back, and must never get a 503
// for a slot that is in fact free (it once did, because the slot was freed after the write).

#include <gtest/gtest.h>

#include <string>

#include "support/http_post.h"
#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

class JobSlots : public WorkerTest {};

TEST_F(JobSlots, BackToBackPostsOnOneJobThreadAreNeverRefused) {
  auto& worker = start_worker({{"EBWORKER_JOB_THREADS", "1"}, {"EBWORKER_LOG_LEVEL", "info"}});
  HttpClient client;
  constexpr int kPosts = 300;
  int refused = 0;
  for (int i = 0; i < kPosts; ++i) {
    const auto m = job_message("EchoJob", "[" + std::to_string(i) + "]", signer_);
    const auto r = post(client, worker.url(), m.body, m.headers);
    ASSERT_TRUE(r.ok()) << r.describe();
    if (r.status == 503) ++refused;
    else ASSERT_EQ(r.status, 200) << r.describe();
  }
  EXPECT_EQ(refused, 0) << refused << " of " << kPosts << " back-to-back posts got 503 from a free slot";
}

}  // namespace
}  // namespace ebworker::testing
