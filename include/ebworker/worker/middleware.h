#pragma once
// The contract, as in Rack: an app turns a request into a response; a middleware does the same,
// given the rest of the chain as `next`. It answers itself (a refusal) or calls next(request),
// and may look at or change the request before and the response after. The chain has one end:
// the app the stack was built with. A middleware may also route, handing a request to another
// app instead of `next` (SqsdOnly sends what is not the daemon's to the web tier's routes).
// Middlewares are shared by all job threads, so `call` must be safe to run concurrently (keep
// per-request state on the stack).

#include <functional>
#include <memory>
#include <typeindex>
#include <vector>

#include <ebworker/worker/request.h>
#include <ebworker/worker/response.h>

namespace ebworker {

using App = std::function<Response(Request&)>;

class Middleware;

namespace detail {
struct StackEntry {
  std::type_index type;
  std::unique_ptr<Middleware> middleware;
};
}  // namespace detail

// The rest of the chain from one middleware's point of view: the middlewares after it, then
// the app.
class Next {
 public:
  Next(const std::vector<detail::StackEntry>& entries, size_t index, const App& end)
      : entries_(&entries), index_(index), end_(&end) {}

  Response operator()(Request& request) const;

 private:
  const std::vector<detail::StackEntry>* entries_;
  size_t index_;
  const App* end_;
};

class Middleware {
 public:
  virtual ~Middleware() = default;
  virtual Response call(Request& request, const Next& next) const = 0;
};

}  // namespace ebworker
