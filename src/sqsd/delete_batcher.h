#pragma once
// Deletes handled messages in batches of up to 10 (DeleteMessageBatch), as aws-sqsd does:
// a batch goes when it is full or when its oldest handle has waited `linger`. Up to `senders`
// batches are in flight at once, so the deletes keep pace with many POSTs; what waits beyond
// that is the backlog, and `behind()` tells the receivers to wait for it (a daemon that
// received faster than it deleted would hold ever more handles, each nearer its visibility
// timeout). A failed delete is logged and counted; the message then comes back and runs again
// (at-least-once).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "sqs/sqs_client.h"

namespace ebworker {

class DeleteBatcher {
 public:
  struct Options {
    std::chrono::milliseconds linger{100};
    int senders = 4;  // DeleteMessageBatch requests in flight at most
    // Called (on a batcher thread, no lock held) when the backlog falls below the point where
    // behind() is true: a receiver waiting for it may go on.
    std::function<void()> caught_up{};
  };

  DeleteBatcher(std::shared_ptr<const SqsClient> sqs, std::string queue_url, Options options);
  ~DeleteBatcher();  // sends what is pending

  void add(std::string message_id, std::string receipt_handle);
  // Sends everything pending and waits until it is sent.
  void flush();

  // Handles waiting for a free sender or their linger (not those in flight).
  long waiting() const { return waiting_; }
  // A full batch waits for every sender: taking more messages would only grow the backlog.
  bool behind() const { return waiting_ >= backlog_limit(); }

  long deleted() const { return deleted_; }
  long failed() const { return failed_; }

 private:
  struct Pending {
    std::string message_id;
    std::string receipt_handle;
    std::chrono::steady_clock::time_point added;
  };
  using Batch = std::vector<Pending>;
  long backlog_limit() const { return static_cast<long>(kMaxBatchEntries) * options_.senders; }
  void form_batches();  // the one thread that lingers and cuts batches
  void send_batches();  // each sender thread
  void send(const Batch& batch);

  std::shared_ptr<const SqsClient> sqs_;
  std::string queue_url_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable wake_batcher_;
  std::condition_variable wake_senders_;
  std::condition_variable drained_;
  std::deque<Pending> pending_;
  std::deque<Batch> ready_;  // cut, waiting for a sender
  int sending_ = 0;
  int flushes_ = 0;  // flush() calls waiting: the linger is over
  bool stopping_ = false;
  bool batches_done_ = false;  // the batcher has cut its last batch
  std::atomic<long> waiting_{0};
  std::atomic<long> deleted_{0};
  std::atomic<long> failed_{0};
  std::vector<std::thread> senders_;
  std::thread batcher_;
};

}  // namespace ebworker
