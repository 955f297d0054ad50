#pragma once
// The Rack-like contract: an app turns a request into a response; a middleware does the same,
// given the rest of the chain as `next`. Middlewares are shared by all job threads, so `call`
// must be safe to run concurrently (keep per-request state in the Request).

#include <functional>
#include <memory>
#include <string_view>
#include <typeindex>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace ebworker {

using App = std::function<Response(Request&)>;

class Middleware;

// The rest of the chain from one middleware's point of view.
class Next {
 public:
  struct Entry {
    std::type_index type;
    std::unique_ptr<Middleware> middleware;
  };

  Next(const std::vector<Entry>& entries, size_t index, const App& app)
      : entries_(entries), index_(index), app_(app) {}

  // Runs the next middleware (or the app, after the last one).
  Response operator()(Request& request) const;
  // Skips the remaining middlewares and runs the app: for requests the worker does not handle.
  Response app(Request& request) const { return app_(request); }

 private:
  const std::vector<Entry>& entries_;
  size_t index_;
  const App& app_;
};

class Middleware {
 public:
  virtual ~Middleware() = default;
  virtual Response call(Request& request, const Next& next) const = 0;
};

}  // namespace ebworker
