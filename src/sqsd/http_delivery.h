#pragma once
// The daemon's messages posted over HTTP to a worker (`ebworker sqsd`, as aws-sqsd does): many
// posts in flight on one libcurl loop, connections kept alive.

#include <chrono>
#include <string>

#include "net/async_http_client.h"
#include "net/http_client.h"
#include "sqsd/delivery.h"

namespace ebworker {

class HttpDelivery : public Delivery {
 public:
  // `worker_url` and `http_path` as SqsdConfig has them (each post names its own URL; these are
  // for the probe and the log); the probe gives up connecting after `connect_timeout`.
  HttpDelivery(std::string worker_url, std::string http_path, std::chrono::seconds connect_timeout);

  void deliver(WorkerPost post, Answered answered) override;
  // Any HTTP answer at all, even a 404, means the worker is listening again.
  bool worker_answers(const std::atomic<bool>& cancel) override;
  std::string describe() const override;

 private:
  std::string worker_url_;
  std::string http_path_;
  std::chrono::seconds connect_timeout_;
  HttpClient probe_;
  // Last, so its destructor (which waits for the posts in flight) runs first.
  AsyncHttpClient posts_;
};

}  // namespace ebworker
