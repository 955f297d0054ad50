#include "worker/job_history.h"

#include "core/text.h"

namespace ebworker {

namespace {

std::chrono::sys_seconds minute_of(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::minutes>(std::chrono::floor<std::chrono::seconds>(t));
}

std::size_t slot_of(std::chrono::sys_seconds minute) {
  const auto n = std::chrono::duration_cast<std::chrono::minutes>(minute.time_since_epoch()).count();
  return static_cast<std::size_t>(((n % 15) + 15) % 15);
}

}  // namespace

void JobHistory::finished(std::chrono::system_clock::time_point at, bool failed) {
  const auto minute = minute_of(at);
  std::lock_guard lock(mutex_);
  MinuteTally& slot = ring_[slot_of(minute)];
  if (slot.minute != minute) slot = MinuteTally{.minute = minute};  // a minute 15 ago, reused
  ++slot.finished;
  if (failed) ++slot.failed;
}

void JobHistory::failure(JobFailure f) {
  for (std::string* id : {&f.job, &f.job_id, &f.message_id}) *id = bounded_utf8(*id, kMaxIdBytes);
  f.reason = bounded_utf8(f.reason, kMaxReasonBytes);
  std::lock_guard lock(mutex_);
  failures_.push_front(std::move(f));
  if (failures_.size() > kFailures) failures_.pop_back();
}

std::vector<MinuteTally> JobHistory::minutes(std::chrono::system_clock::time_point now) const {
  static_assert(kMinutes == 15, "slot_of assumes 15 slots");
  const auto last = minute_of(now);
  std::vector<MinuteTally> out;
  std::lock_guard lock(mutex_);
  for (std::size_t back = kMinutes; back-- > 0;) {
    const auto minute = last - std::chrono::minutes(back);
    const MinuteTally& slot = ring_[slot_of(minute)];
    out.push_back(slot.minute == minute ? slot : MinuteTally{.minute = minute});
  }
  return out;
}

std::vector<JobFailure> JobHistory::failures() const {
  std::lock_guard lock(mutex_);
  return {failures_.begin(), failures_.end()};
}

}  // namespace ebworker
