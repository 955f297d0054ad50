#pragma once
// The environment of a worker that sends its own retries (retry policies, retry_in, hops of a
// job not yet due) to `queue` through the SQS at `sqs_endpoint` (fauxqs, or a server that
// refuses), dead-lettering to `dead_letters` ("" for none). One SQS attempt per call and hops of
// at most 2 s, so that each failure path shows within seconds.

#include <string>

#include "support/worker_process.h"

namespace ebworker::testing {

inline EnvChanges retrying_worker_env(const std::string& queue, const std::string& dead_letters,
                                      const std::string& sqs_endpoint) {
  return {{"EBWORKER_QUEUE_URL", queue},
          {"EBWORKER_DEAD_LETTER_QUEUE_URL", dead_letters},
          {"AWS_ENDPOINT_URL_SQS", sqs_endpoint},
          {"AWS_ACCESS_KEY_ID", "local"},
          {"AWS_SECRET_ACCESS_KEY", "local"},
          {"AWS_REGION", "us-east-1"},
          {"EBWORKER_SQS_MAX_ATTEMPTS", "1"},
          {"EBWORKER_MAX_HOP_DELAY", "2"}};
}

}  // namespace ebworker::testing
