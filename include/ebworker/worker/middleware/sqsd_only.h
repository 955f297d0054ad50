#pragma once

#include <string_view>

#include <ebworker/worker/middleware.h>

namespace ebworker {

// The chain's one router: a POST whose User-Agent starts with "aws-sqsd" (any version) or
// "sqsd" is the daemon's and goes on down the chain to the jobs; any other request is routed to
// `app`, the web tier's routes (404 by default), so one binary can serve both. The middlewares
// after it see only the daemon's requests.
class SqsdOnly : public Middleware {
 public:
  explicit SqsdOnly(App app) : app_(std::move(app)) {}
  Response call(Request& request, const Next& next) const override;
  static bool is_daemon(std::string_view user_agent);

 private:
  App app_;
};

}  // namespace ebworker
