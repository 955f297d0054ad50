#pragma once
// A test's POST (or GET), made through the library's own HttpClient (net/http_client.h; one libcurl
// wrapper for the library, the commands and the tests), with the answer kept whole for
// assertions: status, body and headers, or why there was none. Tests that must send bytes no
// client would (raw_connection.h) speak over a socket instead.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/worker/headers.h>

#include "net/http_client.h"

namespace ebworker::testing {

struct HttpResult {
  bool answered = false;     // an HTTP answer came
  std::string error;         // why not, when none came
  long status = 0;           // 0 when none came
  std::string body;
  Headers headers;           // of the final response
  long new_connections = 0;  // 0 when the client's kept-alive connection was reused

  bool ok() const { return answered; }
  // First header with this name (case-insensitive), or "".
  std::string header(std::string_view name) const { return std::string(headers.get(name)); }
  std::string describe() const;  // for failure messages
};

// POSTs `body` with `headers` ("Name: value" lines), never through a proxy and without Expect:
// 100-continue (aws-sqsd never sends it). Posts one after another on one client reuse its
// connection when the server keeps it open.
HttpResult post(HttpClient& client, const std::string& url, const std::string& body,
                const std::vector<std::string>& headers,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// GETs `url` the same way (never through a proxy, the whole answer kept).
HttpResult get(HttpClient& client, const std::string& url,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace ebworker::testing
