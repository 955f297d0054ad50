#pragma once
// When a job delayed by whole seconds is due. The envelope's `scheduled_at` holds whole seconds,
// so the due time rounds the present up, never down: a job never runs before the delay it asked
// for has passed (rounding down made a 5 s retry run after 4.x s).

#include <chrono>

namespace ebworker {

inline std::chrono::sys_seconds due_after(std::chrono::system_clock::time_point now, std::chrono::seconds delay) {
  return std::chrono::ceil<std::chrono::seconds>(now) + delay;
}

}  // namespace ebworker
