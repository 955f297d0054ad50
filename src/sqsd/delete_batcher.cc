#include "sqsd/delete_batcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ebworker {

DeleteBatcher::DeleteBatcher(std::shared_ptr<const SqsClient> sqs, std::string queue_url, Options options)
    : sqs_(std::move(sqs)), queue_url_(std::move(queue_url)), options_(std::move(options)) {
  options_.senders = std::max(options_.senders, 1);
  for (int i = 0; i < options_.senders; ++i) senders_.emplace_back([this] { send_batches(); });
  batcher_ = std::thread([this] { form_batches(); });
}

DeleteBatcher::~DeleteBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_batcher_.notify_all();
  batcher_.join();  // it cuts what is left into batches first
  for (auto& sender : senders_) sender.join();
}

void DeleteBatcher::add(std::string message_id, std::string receipt_handle) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back({std::move(message_id), std::move(receipt_handle), std::chrono::steady_clock::now()});
    waiting_ = static_cast<long>(pending_.size());
    // The batcher waits for a first handle, then for a full batch or the linger: only those two
    // moments need it awake (a wake-up per handle was a context switch per message).
    wake = pending_.size() == 1 || pending_.size() == kMaxBatchEntries;
  }
  if (wake) wake_batcher_.notify_one();
}

void DeleteBatcher::flush() {
  std::unique_lock lock(mutex_);
  ++flushes_;
  wake_batcher_.notify_one();
  drained_.wait(lock, [this] { return pending_.empty() && ready_.empty() && sending_ == 0; });
  --flushes_;
}

void DeleteBatcher::form_batches() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_batcher_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) break;  // stopping with nothing left
    // Wait for a full batch, the oldest handle's deadline, a flush or stop...
    const auto due = [this] { return pending_.front().added + options_.linger; };
    while (!stopping_ && flushes_ == 0 && pending_.size() < kMaxBatchEntries &&
           std::chrono::steady_clock::now() < due())
      wake_batcher_.wait_until(lock, due());
    // ...then for a sender to be free: cut no further ahead than the senders can take.
    wake_batcher_.wait(lock, [this] { return ready_.size() + static_cast<size_t>(sending_) <
                                             static_cast<size_t>(options_.senders); });
    const bool was_behind = behind();
    const size_t n = std::min(pending_.size(), kMaxBatchEntries);
    Batch batch(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.begin() + static_cast<long>(n)));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(n));
    waiting_ = static_cast<long>(pending_.size());
    ready_.push_back(std::move(batch));
    wake_senders_.notify_one();
    if (was_behind && !behind() && options_.caught_up) {
      lock.unlock();
      options_.caught_up();
      lock.lock();
    }
  }
  batches_done_ = true;
  wake_senders_.notify_all();
}

void DeleteBatcher::send_batches() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_senders_.wait(lock, [this] { return !ready_.empty() || batches_done_; });
    if (ready_.empty()) return;
    Batch batch = std::move(ready_.front());
    ready_.pop_front();
    ++sending_;
    lock.unlock();
    send(batch);
    lock.lock();
    --sending_;
    wake_batcher_.notify_one();  // it may wait for a free sender
    if (pending_.empty() && ready_.empty() && sending_ == 0) drained_.notify_all();
  }
}

void DeleteBatcher::send(const Batch& batch) {
  std::vector<std::string> handles;
  handles.reserve(batch.size());
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
