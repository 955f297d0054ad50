#pragma once
// Waiting on a condition rather than a clock, for every suite: the condition is polled until it
// holds, and the wait is bounded.

#include <chrono>
#include <functional>

namespace ebworker::testing {

// Polls `done` every 10 ms until it is true (true) or the timeout passes (false).
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout);

}  // namespace ebworker::testing
