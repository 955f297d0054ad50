#pragma once

#include "http/middleware.h"

namespace ebworker {

// Job handling is for the daemon: a User-Agent starting with "aws-sqsd" (any version) or "sqsd"
// continues down the worker chain; any other request goes straight to the app.
class SqsdOnly : public Middleware {
 public:
  Response call(Request& request, const Next& next) const override;
  static bool is_daemon(std::string_view user_agent);
};

}  // namespace ebworker
