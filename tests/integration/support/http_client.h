#pragma once
// libcurl behind RAII: one HttpClient is one easy handle, so consecutive requests on it reuse
// the connection when the server keeps it open. The raw handle never leaves this file.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ebworker::testing {

struct HttpResult {
  int curl_code = 0;        // CURLcode; 0 is CURLE_OK
  std::string error;        // curl's message when curl_code != 0
  long status = 0;          // 0 when no response came
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response
  long new_connections = 0; // CURLINFO_NUM_CONNECTS: 0 when an open connection was reused

  bool ok() const { return curl_code == 0; }
  // First header with this name (case-insensitive), or "".
  std::string header(std::string_view name) const;
  std::string describe() const;  // for failure messages
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `headers` are "Name: value" lines. An empty "Expect:" is always added (aws-sqsd never sends
  // Expect: 100-continue) unless the caller gives one. No proxy is ever used.
  HttpResult post(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

}  // namespace ebworker::testing
