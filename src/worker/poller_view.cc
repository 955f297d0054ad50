#include "worker/poller_view.h"

#include <utility>

namespace ebworker {

void PollerView::attach(Source source) {
  std::lock_guard lock(mutex_);
  source_ = std::move(source);
}

void PollerView::detach() {
  std::lock_guard lock(mutex_);
  source_.reset();
}

std::optional<bool> PollerView::receiving() const {
  std::lock_guard lock(mutex_);
  if (!source_) return std::nullopt;
  return source_->receiving();
}

std::string PollerView::metrics() const {
  std::lock_guard lock(mutex_);
  return source_ ? source_->metrics() : std::string();
}

}  // namespace ebworker
