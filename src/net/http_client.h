#pragma once
// An HTTP client over libcurl, in RAII types: callers never see a CURL handle. Thread-safe;
// each call borrows an easy handle from a pool, so connections are reused (keep-alive) across
// calls and threads.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ebworker/worker/headers.h>
#include <ebworker/result.h>

namespace ebworker {

// Signs the request with AWS Signature Version 4, done by libcurl itself (CURLOPT_AWS_SIGV4).
struct SigV4 {
  std::string region;
  std::string service;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials: sent as X-Amz-Security-Token and signed
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds timeout{30000};  // the whole exchange; 0 is no limit (libcurl's)
  std::optional<SigV4> sigv4;
  // Reading stops once the answer's body passes this: an answer too large to be what was asked
  // for is never held whole in memory. `fail` makes that a TransportError; `truncate` keeps the
  // status and the first max_reply_body bytes (for a caller that needs only the status).
  std::size_t max_reply_body = 64 * 1024;
  enum class Oversize { fail, truncate } oversize = Oversize::fail;
  // Once true, the request gives up (within a second) if no byte of the answer has arrived;
  // an answer already arriving is read whole.
  const std::atomic<bool>* cancel = nullptr;
  // No proxy, whatever http_proxy and the like say (a test's requests to loopback).
  bool direct = false;
};

struct HttpReply {
  long status = 0;
  std::string body;
  Headers headers;
  bool truncated = false;  // the body passed max_reply_body (Oversize::truncate)
  long new_connections = 0;  // connections opened for it: 0 when a kept-alive one was reused
};

// The request never got an HTTP answer: refused, reset, timed out, DNS, TLS...
struct TransportError {
  std::string message;
  bool timed_out = false;
  bool not_connected = false;  // nothing accepted the connection (refused, host unreachable)
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpReply, TransportError> perform(const HttpRequest& request);

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

}  // namespace ebworker
