#pragma once
// Middlewares composed in the order written, ending in one app. Users edit the default stack by
// type, as with Sidekiq's chain: add (appends: runs last, just before the app), insert_before<T>,
// remove<T>, without forking it.

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <typeindex>
#include <vector>

#include <ebworker/worker/middleware.h>

namespace ebworker {

class Stack {
 public:
  template <typename M, typename... Args>
  Stack& add(Args&&... args) {
    return add(std::make_unique<M>(std::forward<Args>(args)...));
  }
  template <typename M>
  Stack& add(std::unique_ptr<M> middleware) {
    entries_.push_back({typeid(M), std::move(middleware)});
    return *this;
  }

  // Inserts before the first middleware of type `Before`; throws if there is none, since a
  // silently misplaced middleware (a check after the job ran) would be worse.
  template <typename Before, typename M>
  Stack& insert_before(std::unique_ptr<M> middleware) {
    auto it = find(typeid(Before));
    if (it == entries_.end())
      throw std::invalid_argument("insert_before: that middleware is not in the stack");
    entries_.insert(it, {typeid(M), std::move(middleware)});
    return *this;
  }

  // Removes every middleware of type `M`; returns how many there were.
  template <typename M>
  size_t remove() {
    const auto before = entries_.size();
    std::erase_if(entries_, [](const detail::StackEntry& e) { return e.type == typeid(M); });
    return before - entries_.size();
  }

  template <typename M>
  bool contains() const {
    return find(typeid(M)) != entries_.end();
  }

  std::vector<std::type_index> order() const;
  size_t size() const { return entries_.size(); }

  // Runs the chain: each middleware in order, then `app`, the one end.
  Response call(Request& request, const App& app) const;

 private:
  std::vector<detail::StackEntry>::const_iterator find(std::type_index type) const {
    return std::find_if(entries_.begin(), entries_.end(),
                        [&](const detail::StackEntry& e) { return e.type == type; });
  }

  std::vector<detail::StackEntry> entries_;
};

}  // namespace ebworker
