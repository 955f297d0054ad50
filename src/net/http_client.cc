#include "net/http_client.h"

#include <curl/curl.h>

#include <mutex>
#include <stdexcept>

namespace ebworker {

namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

void append_header(Slist& list, const std::string& header) {
  curl_slist* grown = curl_slist_append(list.get(), header.c_str());
  if (!grown) throw std::bad_alloc();
  list.release();
  list.reset(grown);
}

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

// A header block larger than this is not an answer we asked for.
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

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

struct GlobalInit {
  GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

struct HttpClient::Pool {
  std::mutex mutex;
  std::vector<Easy> idle;

  Easy take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        Easy e = std::move(idle.back());
        idle.pop_back();
        return e;
      }
    }
    Easy e(curl_easy_init());
    if (!e) throw std::runtime_error("libcurl could not create a handle");
    return e;
  }
  void give_back(Easy e) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(e));
  }
};

HttpClient::HttpClient() : pool_(std::make_unique<Pool>()) { static GlobalInit init; }
HttpClient::~HttpClient() = default;

Result<HttpReply, TransportError> HttpClient::perform(const HttpRequest& request) {
  Easy easy = pool_->take();
  CURL* c = easy.get();
  curl_easy_reset(c);  // keeps the connection cache; clears the previous call's options

  Slist headers;
  for (const auto& h : request.headers) append_header(headers, h);
  // No 100-continue round trip. Not on signed requests: libcurl 7.88 signs the removal header
  // "Expect:" as an empty "expect" header that is never sent, so the signature would not match
  // the request (libcurl asks for 100-continue only past 1 MiB; that header goes unsigned).
  if (!request.sigv4) append_header(headers, "Expect:");
  if (request.sigv4) {
    const SigV4& s = *request.sigv4;
    const std::string provider = "aws:amz:" + s.region + ":" + s.service;
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, provider.c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, s.access_key_id.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, s.secret_access_key.c_str());
    if (!s.session_token.empty()) append_header(headers, "X-Amz-Security-Token: " + s.session_token);
  }

  HttpReply reply;
  BodySink body{&reply.body, request.max_reply_body};
  HeaderSink header_sink{&reply.headers};
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "ebworker/0.1");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe with threads
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &header_sink);
  if (request.direct) curl_easy_setopt(c, CURLOPT_PROXY, "");
  if (request.cancel) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, request.cancel);
  }

  const CURLcode rc = curl_easy_perform(c);
  if (body.over) {
    // The connection is mid-answer: never reused (the handle is dropped with it).
    if (request.oversize == HttpRequest::Oversize::fail)
      return Unexpected{TransportError{"answer body over " + std::to_string(request.max_reply_body) +
                                       " bytes (" + request.url + ")"}};
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &reply.new_connections);
    reply.truncated = true;
    return reply;
  }
  if (header_sink.bytes > kMaxHeaderBytes)
    return Unexpected{TransportError{"answer headers over " + std::to_string(kMaxHeaderBytes) + " bytes (" +
                                     request.url + ")"}};
  if (rc != CURLE_OK) {
    // A failed handle's connection is in doubt: drop it rather than return it to the pool.
    return Unexpected{TransportError{std::string(curl_easy_strerror(rc)) + " (" + request.url + ")",
                                     rc == CURLE_OPERATION_TIMEDOUT, rc == CURLE_COULDNT_CONNECT}};
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &reply.new_connections);
  pool_->give_back(std::move(easy));
  return reply;
}

}  // namespace ebworker
