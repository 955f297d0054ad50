#pragma once
// Deletes handled messages in batches of up to 10 (DeleteMessageBatch), as aws-sqsd does:
// a batch goes when it is full or when its oldest handle has waited `linger`.
// A failed delete is logged and counted; the message then comes back and runs again
// (at-least-once).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sqs/sqs_client.h"

namespace ebworker {

class DeleteBatcher {
 public:
  DeleteBatcher(std::shared_ptr<const SqsClient> sqs, std::string queue_url,
                std::chrono::milliseconds linger = std::chrono::milliseconds(100));
  ~DeleteBatcher();  // flushes what is pending

  void add(std::string message_id, std::string receipt_handle);
  // Sends everything pending and waits until it is sent.
  void flush();

  long deleted() const { return deleted_; }
  long failed() const { return failed_; }

 private:
  struct Pending {
    std::string message_id;
    std::string receipt_handle;
  };
  void run();
  void send(std::vector<Pending> batch);

  std::shared_ptr<const SqsClient> sqs_;
  std::string queue_url_;
  std::chrono::milliseconds linger_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::vector<Pending> pending_;
  std::chrono::steady_clock::time_point oldest_;
  bool sending_ = false;
  bool stopping_ = false;
  std::atomic<long> deleted_{0};
  std::atomic<long> failed_{0};
  std::thread thread_;
};

}  // namespace ebworker
