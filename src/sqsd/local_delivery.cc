#include "sqsd/local_delivery.h"

#include <algorithm>
#include <utility>

namespace ebworker {

Request local_request(WorkerPost post) {
  Request request;
  request.method = std::move(post.request.method);
  request.path = std::move(post.path);
  for (const std::string& field : post.request.headers) {
    // "Name: value", as build_worker_post writes each.
    const auto colon = field.find(':');
    if (colon == std::string::npos) continue;
    const auto value = field.find_first_not_of(' ', colon + 1);
    request.headers.add(field.substr(0, colon), value == std::string::npos ? "" : field.substr(value));
  }
  request.headers.add("Content-Length", std::to_string(post.request.body.size()));
  request.body = std::move(post.request.body);
  request.peer_address = "127.0.0.1";
  return request;
}

LocalDelivery::~LocalDelivery() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return delivering_ == 0; });
}

void LocalDelivery::deliver(WorkerPost post, Answered answered) {
  {
    std::lock_guard lock(mutex_);
    ++delivering_;
  }
  const std::size_t max_body = post.request.max_reply_body;
  server_.run_local(local_request(std::move(post)), [this, answered = std::move(answered), max_body](const Response& response) {
    HttpReply reply;
    reply.status = response.status;
    reply.headers = response.headers;
    reply.truncated = response.body.size() > max_body;
    reply.body = response.body.substr(0, std::min(response.body.size(), max_body));
    answered(std::move(reply));
    // Told under the lock: once the destructor sees zero, no job thread touches this any more.
    std::lock_guard lock(mutex_);
    --delivering_;
    idle_.notify_all();
  });
}

}  // namespace ebworker
