#include "net/http_client.h"

#include <mutex>
#include <vector>

#include "net/curl_transfer.h"

namespace ebworker {

struct HttpClient::Pool {
  std::mutex mutex;
  std::vector<CurlEasy> idle;

  CurlEasy take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CurlEasy e = std::move(idle.back());
        idle.pop_back();
        return e;
      }
    }
    return make_curl_easy();
  }
  void give_back(CurlEasy e) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(e));
  }
};

HttpClient::HttpClient() : pool_(std::make_unique<Pool>()) { curl_global_once(); }
HttpClient::~HttpClient() = default;

Result<HttpReply, TransportError> HttpClient::perform(const HttpRequest& request) {
  CurlEasy easy = pool_->take();
  CurlTransfer transfer(easy.get(), request);
  bool reusable = false;
  auto reply = transfer.finish(curl_easy_perform(easy.get()), reusable);
  if (reusable) pool_->give_back(std::move(easy));
  return reply;
}

}  // namespace ebworker
