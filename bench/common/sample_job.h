#pragma once
// The message every benchmark sends: a NoopJob envelope of about 1 KiB (a realistic job: an id,
// a few fields and a list of items), signed as the enqueue client signs it, and the aws-sqsd
// headers a worker receives with it. The micro benchmarks, the wrk requests, the C++ client
// harness and the AWS SDK harness (which gets it from `sqs_bench sample`) send the same shape.

#include <string>
#include <utility>
#include <vector>

#include "envelope/signer.h"

namespace bench {

// The secret every benchmark signs with (they talk to 127.0.0.1 only).
inline constexpr const char* kSecret = "bench-secret-key-base-0123456789abcdef0123456789abcdef";

// A JSON array that makes a NoopJob envelope of about `body_bytes` bytes.
std::string sample_arguments(std::size_t body_bytes = 1024);

// A fresh envelope body (new job id, enqueued now) with sample_arguments().
std::string sample_body(std::size_t body_bytes = 1024);

// The headers aws-sqsd sends with `body` (docs/wire-protocol.md, "The daemon's POST"), the
// signature included: a fresh message id, received now, receive count 1.
std::vector<std::pair<std::string, std::string>> sqsd_headers(const std::string& body,
                                                              const ebworker::Signer& signer);

}  // namespace bench
