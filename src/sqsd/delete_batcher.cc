#include "sqsd/delete_batcher.h"

#include <spdlog/spdlog.h>

namespace ebworker {

DeleteBatcher::DeleteBatcher(std::shared_ptr<const SqsClient> sqs, std::string queue_url,
                             std::chrono::milliseconds linger)
    : sqs_(std::move(sqs)), queue_url_(std::move(queue_url)), linger_(linger), thread_([this] { run(); }) {}

DeleteBatcher::~DeleteBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DeleteBatcher::add(std::string message_id, std::string receipt_handle) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (pending_.empty()) oldest_ = std::chrono::steady_clock::now();
    pending_.push_back({std::move(message_id), std::move(receipt_handle)});
    // The thread waits for a first handle, then for a full batch or the linger: only those two
    // moments need it awake (a wake-up per handle was a context switch per message).
    wake = pending_.size() == 1 || pending_.size() == kMaxBatchEntries;
  }
  if (wake) wake_.notify_all();
}

void DeleteBatcher::flush() {
  std::unique_lock lock(mutex_);
  oldest_ = std::chrono::steady_clock::time_point::min();  // due now, whatever the linger
  wake_.notify_all();
  drained_.wait(lock, [this] { return pending_.empty() && !sending_; });
}

void DeleteBatcher::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping with nothing left
    // Wait for a full batch, the oldest handle's deadline, a flush or stop.
    while (!stopping_ && pending_.size() < kMaxBatchEntries &&
           std::chrono::steady_clock::now() < oldest_ + linger_)
      wake_.wait_until(lock, oldest_ + linger_);
    const size_t n = std::min(pending_.size(), kMaxBatchEntries);
    std::vector<Pending> batch(std::make_move_iterator(pending_.begin()),
                               std::make_move_iterator(pending_.begin() + static_cast<long>(n)));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(n));
    if (!pending_.empty()) oldest_ = std::chrono::steady_clock::time_point::min();  // the rest goes next
    sending_ = true;
    lock.unlock();
    send(std::move(batch));
    lock.lock();
    sending_ = false;
    if (pending_.empty()) drained_.notify_all();
  }
}

void DeleteBatcher::send(std::vector<Pending> batch) {
  std::vector<std::string> handles;
  for (const auto& p : batch) handles.push_back(p.receipt_handle);
  std::vector<SqsResult<void>> results;
  try {
    results = sqs_->delete_message_batch(queue_url_, handles);
  } catch (const std::exception& e) {
    spdlog::error("a delete batch failed: {}", e.what());  // every entry counts as failed below
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (i < results.size() && results[i]) {
      ++deleted_;
      continue;
    }
    ++failed_;
    spdlog::warn("msgid={} could not be deleted ({}): it will run again", batch[i].message_id,
                 i < results.size() ? results[i].error().describe() : "no answer");
  }
}

}  // namespace ebworker
