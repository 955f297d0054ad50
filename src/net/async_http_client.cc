#include "net/async_http_client.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <list>
#include <stdexcept>
#include <vector>

#include "net/curl_transfer.h"
#include "net/url.h"

namespace ebworker {

namespace {

struct MultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};

// One request from start() to `done`: it owns what libcurl points into until the end.
struct Exchange {
  Exchange(HttpRequest r, AsyncHttpClient::Done d) : request(std::move(r)), done(std::move(d)) {}
  HttpRequest request;
  AsyncHttpClient::Done done;
  CurlEasy easy;
  std::unique_ptr<CurlTransfer> transfer;
};

void call_done(Exchange& exchange, Result<HttpReply, TransportError> result) {
  try {
    exchange.done(std::move(result));
  } catch (const std::exception& e) {
    spdlog::error("an HTTP completion threw: {}", e.what());
  } catch (...) {
    spdlog::error("an HTTP completion threw a non-standard exception");
  }
}

}  // namespace

struct AsyncHttpClient::Loop {
  Loop() : multi(curl_multi_init()) {
    if (!multi) throw std::runtime_error("libcurl could not create a multi handle");
  }

  std::unique_ptr<CURLM, MultiDeleter> multi;
  std::mutex mutex;
  std::deque<std::unique_ptr<Exchange>> submitted;  // under mutex
  bool stopping = false;                              // under mutex
  // The loop thread's own: the exchanges libcurl is running, and handles kept for reuse.
  std::list<std::unique_ptr<Exchange>> running;
  std::vector<CurlEasy> idle;

  CurlEasy take_handle() {
    if (idle.empty()) return make_curl_easy();
    CurlEasy e = std::move(idle.back());
    idle.pop_back();
    return e;
  }

  // Hands the newly submitted exchanges to libcurl. False once stopping with nothing left.
  bool add_submitted() {
    std::deque<std::unique_ptr<Exchange>> fresh;
    bool stop = false;
    {
      std::lock_guard lock(mutex);
      fresh.swap(submitted);
      stop = stopping;
    }
    for (auto& exchange : fresh) {
      if (stop) {
        call_done(*exchange, Unexpected{TransportError{"the HTTP client is stopping (" + redacted_url(exchange->request.url) + ")"}});
        continue;
      }
      try {
        exchange->easy = take_handle();
        exchange->transfer = std::make_unique<CurlTransfer>(exchange->easy.get(), exchange->request);
        curl_easy_setopt(exchange->easy.get(), CURLOPT_PRIVATE, exchange.get());
        if (const CURLMcode rc = curl_multi_add_handle(multi.get(), exchange->easy.get()); rc != CURLM_OK)
          throw std::runtime_error(curl_multi_strerror(rc));
      } catch (const std::exception& e) {
        call_done(*exchange, Unexpected{TransportError{std::string("could not start the request: ") + e.what() +
                                                       " (" + redacted_url(exchange->request.url) + ")"}});
        continue;
      }
      running.push_back(std::move(exchange));
    }
    return !(stop && running.empty());
  }

  // Ends the exchanges libcurl says are done.
  void finish_done() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      Exchange* raw = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &raw);
      const CURLcode rc = message->data.result;
      curl_multi_remove_handle(multi.get(), message->easy_handle);
      auto it = running.begin();
      while (it != running.end() && it->get() != raw) ++it;
      if (it == running.end()) continue;
      std::unique_ptr<Exchange> exchange = std::move(*it);
      running.erase(it);
      bool reusable = false;
      auto result = exchange->transfer->finish(rc, reusable);
      exchange->transfer.reset();
      if (reusable) idle.push_back(std::move(exchange->easy));
      call_done(*exchange, std::move(result));
    }
  }

  void run() {
    pthread_setname_np(pthread_self(), "ebworker-http");
    while (add_submitted()) {
      int still_running = 0;
      curl_multi_perform(multi.get(), &still_running);
      finish_done();
      // Wakes on any socket, on curl_multi_wakeup (a new request, stop), or when libcurl's next
      // timeout is due (curl_multi_poll waits no longer than that).
      curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
    }
  }
};

AsyncHttpClient::AsyncHttpClient() {
  curl_global_once();
  loop_ = std::make_unique<Loop>();
  thread_ = std::thread([this] { loop_->run(); });
}

AsyncHttpClient::~AsyncHttpClient() {
  {
    std::lock_guard lock(loop_->mutex);
    loop_->stopping = true;
  }
  curl_multi_wakeup(loop_->multi.get());
  thread_.join();
}

void AsyncHttpClient::start(HttpRequest request, Done done) {
  {
    std::lock_guard lock(loop_->mutex);
    loop_->submitted.push_back(std::make_unique<Exchange>(std::move(request), std::move(done)));
  }
  curl_multi_wakeup(loop_->multi.get());
}

}  // namespace ebworker
