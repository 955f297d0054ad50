#pragma once

#include <string>
#include <vector>

#include <ebworker/client/client.h>
#include <ebworker/environment.h>

#include "core/settings.h"

namespace ebworker {

// `ebworker enqueue JOB [ARGS_JSON] [--delay S] [--queue-url URL] [--group-id G] [--dedup-id D]
//  [--format F]`:
// signs JOB and sends it to SQS with the enqueue client; prints the MessageId. Exits 0 when SQS
// holds the message intact, 1 with one line on stderr when not, 2 on a usage error.
int enqueue_command(const std::vector<std::string>& args, const Environment& env);

// The options of one call (flags only); the client's own settings are client_settings().
struct EnqueueCall {
  EnqueueOptions options;
  std::string format;  // --format: EBWORKER_MESSAGE_FORMAT for this call; empty: the client's
};
const std::vector<Setting<EnqueueCall>>& enqueue_settings();

}  // namespace ebworker
