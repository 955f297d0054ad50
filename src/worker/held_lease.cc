#include "worker/held_lease.h"

#include <spdlog/spdlog.h>

namespace ebworker {

HeldLease::HeldLease(std::shared_ptr<const LeaseTable> table, std::string key, std::string holder,
                     std::chrono::seconds lease)
    : table_(std::move(table)), key_(std::move(key)), holder_(std::move(holder)), lease_(lease) {
  renewer_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!done_.wait_for(lock, lease_ / 3, [this] { return finished_; })) {
      lock.unlock();
      auto renewed = table_->renew(key_, holder_, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + lease_);
      if (!renewed)
        spdlog::warn("{}: could not renew the run's lease: {}", key_, renewed.error().describe());
      else if (!*renewed)
        spdlog::warn("{}: the run's lease was taken over (it expired): another run may hold it too", key_);
      lock.lock();
    }
  });
}

HeldLease::~HeldLease() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  done_.notify_all();
  renewer_.join();
  if (auto released = table_->release(key_, holder_); !released)
    spdlog::warn("{}: could not hand back the run's lease ({}): it expires within {} s", key_,
                 released.error().describe(), lease_.count());
}

}  // namespace ebworker
