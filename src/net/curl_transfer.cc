#include "net/curl_transfer.h"

#include <stdexcept>
#include <string_view>

#include "net/url.h"

namespace ebworker {

namespace {

// A header block larger than this is not an answer we asked for.
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

struct BodySink {
  std::string* body;
  std::size_t limit;
  bool over = false;
};

size_t on_body(char* data, size_t size, size_t n, void* out) {
  auto* sink = static_cast<BodySink*>(out);
  const size_t bytes = size * n;
  if (bytes > sink->limit - sink->body->size()) {
    sink->body->append(data, sink->limit - sink->body->size());
    sink->over = true;
    return 0;  // libcurl stops the transfer (CURLE_WRITE_ERROR)
  }
  sink->body->append(data, bytes);
  return bytes;
}

struct HeaderSink {
  Headers* headers;
  std::size_t bytes = 0;
};

size_t on_header(char* data, size_t size, size_t n, void* out) {
  std::string_view line(data, size * n);
  auto* sink = static_cast<HeaderSink*>(out);
  Headers* headers = sink->headers;
  sink->bytes += line.size();
  if (sink->bytes > kMaxHeaderBytes) return 0;
  if (line.rfind("HTTP/", 0) == 0) {
    *headers = Headers{};  // a new response (after a 100 Continue or redirect) starts over
    sink->bytes = line.size();
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    headers->add(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

// libcurl calls this about once a second, and on every chunk; non-zero aborts the transfer.
int on_progress(void* cancel, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t) {
  return downloaded == 0 && static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

void append_header(curl_slist*& list, const std::string& header) {
  curl_slist* grown = curl_slist_append(list, header.c_str());
  if (!grown) throw std::bad_alloc();
  list = grown;
}

}  // namespace

void curl_global_once() {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) throw std::runtime_error("libcurl could not be initialised");
}

CurlEasy make_curl_easy() {
  CurlEasy e(curl_easy_init());
  if (!e) throw std::runtime_error("libcurl could not create a handle");
  return e;
}

struct CurlTransfer::Sinks {
  BodySink body;
  HeaderSink headers;
};

CurlTransfer::CurlTransfer(CURL* easy, const HttpRequest& request) : easy_(easy), request_(request) {
  CURL* c = easy_;
  curl_easy_reset(c);  // keeps the connection cache; clears the previous call's options
  try {
    for (const auto& h : request_.headers) append_header(headers_, h);
    // No 100-continue round trip. Not on signed requests: libcurl 7.88 signs the removal header
    // "Expect:" as an empty "expect" header that is never sent, so the signature would not match
    // the request (libcurl asks for 100-continue only past 1 MiB; that header goes unsigned).
    if (!request_.sigv4) append_header(headers_, "Expect:");
    if (request_.sigv4) {
      const SigV4& s = *request_.sigv4;
      const std::string provider = "aws:amz:" + s.region + ":" + s.service;
      curl_easy_setopt(c, CURLOPT_AWS_SIGV4, provider.c_str());
      curl_easy_setopt(c, CURLOPT_USERNAME, s.access_key_id.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, s.secret_access_key.c_str());
      if (!s.session_token.empty()) append_header(headers_, "X-Amz-Security-Token: " + s.session_token);
    }
  } catch (...) {
    curl_slist_free_all(headers_);
    throw;
  }
  sinks_ = std::make_unique<Sinks>(Sinks{{&reply_.body, request_.max_reply_body}, {&reply_.headers}});
  curl_easy_setopt(c, CURLOPT_URL, request_.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request_.method.c_str());
  if (request_.method == "POST" || request_.method == "PUT" || !request_.body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request_.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "ebworker/0.1");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe with threads
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sinks_->body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sinks_->headers);
  if (request_.direct) curl_easy_setopt(c, CURLOPT_PROXY, "");
  if (request_.cancel) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, request_.cancel);
  }
}

CurlTransfer::~CurlTransfer() { curl_slist_free_all(headers_); }

Result<HttpReply, TransportError> CurlTransfer::finish(CURLcode rc, bool& reusable) {
  reusable = false;
  if (sinks_->body.over) {
    // The connection is mid-answer: never reused (the handle is dropped with it).
    if (request_.oversize == HttpRequest::Oversize::fail)
      return Unexpected{TransportError{"answer body over " + std::to_string(request_.max_reply_body) +
                                       " bytes (" + redacted_url(request_.url) + ")"}};
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &reply_.status);
    curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &reply_.new_connections);
    reply_.truncated = true;
    return std::move(reply_);
  }
  if (sinks_->headers.bytes > kMaxHeaderBytes)
    return Unexpected{TransportError{"answer headers over " + std::to_string(kMaxHeaderBytes) + " bytes (" +
                                     redacted_url(request_.url) + ")"}};
  if (rc != CURLE_OK) {
    // A failed handle's connection is in doubt: the caller drops it rather than reuse it.
    return Unexpected{TransportError{std::string(curl_easy_strerror(rc)) + " (" + redacted_url(request_.url) + ")",
                                     rc == CURLE_OPERATION_TIMEDOUT, rc == CURLE_COULDNT_CONNECT}};
  }
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &reply_.status);
  curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &reply_.new_connections);
  reusable = true;
  return std::move(reply_);
}

}  // namespace ebworker
