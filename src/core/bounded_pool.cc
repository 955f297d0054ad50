#include "core/bounded_pool.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace ebworker {

namespace {

// A task that throws must not end the process nor leak its slot: callers catch what they can
// answer; this is the last net, and it says so in the log.
void run_guarded(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    spdlog::error("a pool task threw: {}", e.what());
  } catch (...) {
    spdlog::error("a pool task threw a non-standard exception");
  }
}

}  // namespace

BoundedPool::BoundedPool(size_t threads) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

BoundedPool::~BoundedPool() {
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
    exiting_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

BoundedPool::Admission BoundedPool::try_submit(std::function<void()> work, std::function<void()> then) {
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) return Admission::stopping;
    if (in_use_ == threads_.size()) return Admission::busy;
    ++in_use_;
    tasks_.push_back(Task{std::move(work), std::move(then)});
  }
  wake_.notify_one();
  return Admission::accepted;
}

void BoundedPool::stop_accepting() {
  std::lock_guard lock(mutex_);
  accepting_ = false;
}

void BoundedPool::work() {
  // Named, so a stack dump, `top -H` or a test can tell a job thread from an I/O thread.
  pthread_setname_np(pthread_self(), "ebworker-job");
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return exiting_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // exiting with nothing left to run
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    run_guarded(task.work);
    lock.lock();
    --in_use_;
    if (!task.then) continue;
    lock.unlock();
    run_guarded(task.then);
    lock.lock();
  }
}

}  // namespace ebworker
