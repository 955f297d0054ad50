#pragma once
// Threads let go at the same moment (a barrier), each making one call, for tests of what two
// callers at the same slot get: the answers in thread order.

#include <barrier>
#include <optional>
#include <thread>
#include <vector>

namespace ebworker::testing {

// Runs `call(i)` on `count` threads released together; returns each thread's answer.
template <typename Call>
auto racing_threads(int count, Call call) {
  using Answer = decltype(call(0));
  std::barrier start(count);
  std::vector<std::optional<Answer>> answers(count);
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      answers[i].emplace(call(i));
    });
  for (auto& t : threads) t.join();
  std::vector<Answer> out;
  for (auto& a : answers) out.push_back(std::move(*a));
  return out;
}

}  // namespace ebworker::testing
