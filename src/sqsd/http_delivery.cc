#include "sqsd/http_delivery.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "net/url.h"

namespace ebworker {

HttpDelivery::HttpDelivery(std::string worker_url, std::string http_path, std::chrono::seconds connect_timeout)
    : worker_url_(std::move(worker_url)), http_path_(std::move(http_path)), connect_timeout_(connect_timeout) {}

void HttpDelivery::deliver(WorkerPost post, Answered answered) {
  posts_.start(std::move(post.request), std::move(answered));
}

bool HttpDelivery::worker_answers(const std::atomic<bool>& cancel) {
  HttpRequest probe;
  probe.method = "GET";
  probe.url = worker_url_ + "/";
  probe.connect_timeout = connect_timeout_;
  probe.timeout = std::chrono::seconds(5);
  probe.oversize = HttpRequest::Oversize::truncate;
  probe.cancel = &cancel;
  auto reply = probe_.perform(probe);
  spdlog::debug("probe of the worker at {}: {}", redacted_url(worker_url_), reply ? "answered" : reply.error().message);
  return bool(reply);
}

std::string HttpDelivery::describe() const { return redacted_url(worker_url_) + http_path_; }

}  // namespace ebworker
