#include "support/http_client.h"

#include <curl/curl.h>

#include <mutex>
#include <stdexcept>

#include <ebworker/headers.h>

#include "core/text.h"

namespace ebworker::testing {

namespace {

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

size_t on_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Keeps only the last response's headers (a redirect or 1xx would start a new block).
size_t on_header(char* data, size_t size, size_t n, void* out) {
  auto& headers = *static_cast<std::vector<std::pair<std::string, std::string>>*>(out);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    headers.clear();
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
};

std::string HttpResult::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return {};
}

std::string HttpResult::describe() const {
  if (!ok()) return "curl error " + std::to_string(curl_code) + ": " + error;
  return "HTTP " + std::to_string(status) + " body=\"" + body + "\"";
}

HttpClient::HttpClient() : handle_(std::make_unique<Handle>()) {
  static std::once_flag global;
  std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  handle_->curl = curl_easy_init();
  if (!handle_->curl) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() { curl_easy_cleanup(handle_->curl); }

HttpResult HttpClient::post(const std::string& url, const std::string& body,
                            const std::vector<std::string>& headers, std::chrono::milliseconds timeout) {
  CURL* c = handle_->curl;
  HttpResult result;
  bool has_expect = false;
  std::unique_ptr<curl_slist, SlistDeleter> list;
  for (const auto& h : headers) {
    has_expect |= istarts_with(h, "Expect:");
    list.reset(curl_slist_append(list.release(), h.c_str()));
  }
  if (!has_expect) list.reset(curl_slist_append(list.release(), "Expect:"));

  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);

  const CURLcode rc = curl_easy_perform(c);
  result.curl_code = rc;
  if (rc != CURLE_OK) result.error = error[0] ? error : curl_easy_strerror(rc);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &result.new_connections);
  // The list and buffers die with this call: leave the handle pointing at none of them.
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, nullptr);
  return result;
}

}  // namespace ebworker::testing
