// The dead-letter queue `sqsd --create-queues` makes is named after the queue.

#include <gtest/gtest.h>

#include "sqsd/queue_setup.h"

namespace ebworker {
namespace {

TEST(DeadLetterQueueName, FollowsTheQueue) {
  EXPECT_EQ(dead_letter_queue_name("jobs"), "jobs-dead-letters");
  EXPECT_EQ(dead_letter_queue_name("jobs.fifo"), "jobs-dead-letters.fifo");
  EXPECT_EQ(dead_letter_queue_name("a"), "a-dead-letters");
  EXPECT_EQ(dead_letter_queue_name(".fifo"), ".fifo-dead-letters");  // no name before the suffix
}

}  // namespace
}  // namespace ebworker
