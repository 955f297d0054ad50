#pragma once
// The daemon's messages run on this process's own job threads (`ebworker serve --queue-url`):
// each becomes the Request the worker's server would have built from the daemon's POST, runs
// through the same stack on the same bounded pool (Server::run_local), and its Response is read
// as the HTTP answer would have been: no socket, no HTTP exchange, no I/O thread woken.

#include <condition_variable>
#include <mutex>

#include "http/server.h"
#include "sqsd/delivery.h"

namespace ebworker {

// The Request the worker's server builds from the daemon's POST, as it arrives from loopback.
Request local_request(WorkerPost post);

class LocalDelivery : public Delivery {
 public:
  // `server` must outlive the daemon that delivers through it.
  explicit LocalDelivery(Server& server) : server_(server) {}
  // Waits for the callbacks still running on job threads (their slots already free).
  ~LocalDelivery() override;

  void deliver(WorkerPost post, Answered answered) override;
  // The job threads are this process's: they take requests while it runs.
  bool worker_answers(const std::atomic<bool>&) override { return true; }
  std::string describe() const override { return "this process's job threads"; }

 private:
  Server& server_;
  std::mutex mutex_;
  std::condition_variable idle_;
  long delivering_ = 0;  // delivered, their `answered` not yet returned
};

}  // namespace ebworker
