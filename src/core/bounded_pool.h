#pragma once
// A fixed number of threads and no queue behind them: the worker's server runs its chain (and so
// the jobs) on one, the daemon its answer handlers on another. A task is taken only when a
// thread is idle; otherwise the caller refuses at once (the worker answers 503 and the daemon
// retries later: a hidden backlog would only eat into the message's visibility timeout).
//
// A task has two parts: `work`, which holds a slot, and `then`, which runs on the same thread
// once the slot is free again. Whatever tells the outside world that the task is done (the
// HTTP answer, a daemon's in-flight count) belongs in `then`: whoever hears it and submits again
// at once must find the slot free, or a pool sized exactly to its callers refuses them.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ebworker {

class BoundedPool {
 public:
  enum class Admission { accepted, busy, stopping };

  explicit BoundedPool(size_t threads);
  ~BoundedPool();  // refuses new tasks, finishes those taken, joins
  BoundedPool(const BoundedPool&) = delete;
  BoundedPool& operator=(const BoundedPool&) = delete;

  Admission try_submit(std::function<void()> work, std::function<void()> then = {});
  // From now on try_submit answers `stopping`.
  void stop_accepting();

  size_t size() const { return threads_.size(); }

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  struct Task {
    std::function<void()> work;
    std::function<void()> then;
  };
  std::deque<Task> tasks_;
  size_t in_use_ = 0;  // slots held: tasks taken whose work has not finished; at most the threads
  bool accepting_ = true;
  bool exiting_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ebworker
