#pragma once
// One HTTP exchange on a libcurl easy handle: what HttpClient (blocking, a handle per call) and
// AsyncHttpClient (many at once on one thread) share, so both set a request up and read its
// answer the same way: limits on the answer's headers and body, cancellation, SigV4, no proxy.

#include <curl/curl.h>

#include <memory>

#include "net/http_client.h"

namespace ebworker {

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

// libcurl's process-wide set-up, once, before the first handle.
void curl_global_once();

// A new easy handle; throws when libcurl cannot make one.
CurlEasy make_curl_easy();

class CurlTransfer {
 public:
  // Sets `easy` up for `request` (after curl_easy_reset: a reused handle keeps its connection).
  // libcurl keeps pointers into the request (its body), the transfer's header list and the
  // answer's sinks: both must stay where they are until finish().
  CurlTransfer(CURL* easy, const HttpRequest& request);
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // The answer once libcurl has ended the transfer with `rc`. `reusable` says whether the
  // handle's connection may serve another request (not after an error or a cut-off answer).
  Result<HttpReply, TransportError> finish(CURLcode rc, bool& reusable);

 private:
  struct Sinks;
  CURL* easy_;
  const HttpRequest& request_;
  curl_slist* headers_ = nullptr;
  HttpReply reply_;
  std::unique_ptr<Sinks> sinks_;
};

}  // namespace ebworker
