#pragma once
// What a daemon does with a message it received: hands the request made of it (the POST
// aws-sqsd would send, worker_post.h) to the worker and hears the worker's answer. The one place
// the daemon's two forms differ: HttpDelivery posts over HTTP to a worker elsewhere (`ebworker
// sqsd`), LocalDelivery runs the request on this process's own job threads (`ebworker serve
// --queue-url`). Everything else (receives bounded by free slots, batched deletes, the visibility
// heartbeat, releases and Retry-After, the worker-down probe, the cron leader, the stop) is the
// daemon's (sqsd_daemon.h), so a fix there is a fix in both forms.

#include <atomic>
#include <functional>
#include <string>

#include <ebworker/result.h>

#include "net/http_client.h"
#include "sqsd/worker_post.h"

namespace ebworker {

class Delivery {
 public:
  // The worker's answer, as an HTTP reply (status, headers, the start of the body), or why none
  // came. Called once per delivery, on any thread, once whatever the job held (a connection, a
  // job thread) is free again; it must return quickly.
  using Answered = std::function<void(Result<HttpReply, TransportError>)>;

  // Returns once every `answered` has returned: the daemon's members it reaches outlive it.
  virtual ~Delivery() = default;

  virtual void deliver(WorkerPost post, Answered answered) = 0;
  // Whether the worker takes requests now: probed each second while it is down (an answer
  // failed with TransportError::not_connected). Gives up soon once `cancel` is set.
  virtual bool worker_answers(const std::atomic<bool>& cancel) = 0;
  // Where the requests go, for the log: the worker's URL, or this process's job threads.
  virtual std::string describe() const = 0;
};

}  // namespace ebworker
