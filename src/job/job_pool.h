#pragma once
// The threads jobs run on: a fixed number, and no queue behind them. A task is taken only when a
// thread is idle; otherwise the caller answers 503 at once and the daemon retries later (a hidden
// backlog would only eat into the message's visibility timeout).

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

  Admission try_submit(std::function<void()> task);
  // From now on try_submit answers `stopping`.
  void stop_accepting();

  size_t size() const { return threads_.size(); }

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  size_t in_use_ = 0;  // tasks taken and not yet finished; never more than the threads
  bool accepting_ = true;
  bool exiting_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ebworker
