#pragma once

#include <string_view>

#include <ebworker/worker/middleware.h>

namespace ebworker {

// Job handling is for the daemon: a POST whose User-Agent starts with "aws-sqsd" (any version)
// or "sqsd" continues down the chain; any other request is answered by `app`, the web tier's
// routes (404 by default), so one binary can serve both.
class SqsdOnly : public Middleware {
 public:
  explicit SqsdOnly(App app) : app_(std::move(app)) {}
  Response call(Request& request, const Next& next) const override;
  static bool is_daemon(std::string_view user_agent);

 private:
  App app_;
};

}  // namespace ebworker
