#include "job/job_pool.h"

namespace ebworker {

JobPool::JobPool(size_t threads) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

JobPool::~JobPool() {
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
    exiting_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

JobPool::Admission JobPool::try_submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) return Admission::stopping;
    if (in_use_ == threads_.size()) return Admission::busy;
    ++in_use_;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return Admission::accepted;
}

void JobPool::stop_accepting() {
  std::lock_guard lock(mutex_);
  accepting_ = false;
}

void JobPool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return exiting_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // exiting with nothing left to run
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
    --in_use_;
  }
}

}  // namespace ebworker
