#pragma once
// The threads jobs run on: a fixed number, and no queue behind them. A task is taken only when a
// thread is idle; otherwise the caller answers 503 at once and the daemon retries later (a hidden
// backlog would only eat into the message's visibility timeout).
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

class JobPool {
 public:
  enum class Admission { accepted, busy, stopping };

  explicit JobPool(size_t threads);
  ~JobPool();  // refuses new tasks, finishes those taken, joins
  JobPool(const JobPool&) = delete;
  JobPool& operator=(const JobPool&) = delete;

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
