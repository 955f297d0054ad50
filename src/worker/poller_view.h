#pragma once
// What the worker's own endpoints show of the queue poller inside it (`ebworker serve
// --queue-url`): whether it receives (the health path answers 503 when it does not, as the
// daemon's /health would) and its metrics, appended to the worker's. The poller is made after the
// worker's stack, so it is attached once started, and detached before it goes; until then, and in
// a worker with no poller, there is nothing to show.

#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace ebworker {

class PollerView {
 public:
  struct Source {
    std::function<bool()> receiving;       // received lately, or stopping
    std::function<std::string()> metrics;  // Prometheus text (ebworker_sqsd_*)
  };

  void attach(Source source);
  // Once it returns no call reaches the source.
  void detach();

  // nullopt when no poller is attached.
  std::optional<bool> receiving() const;
  std::string metrics() const;

 private:
  mutable std::mutex mutex_;  // held while the source is called: detach() waits for the call
  std::optional<Source> source_;
};

}  // namespace ebworker
