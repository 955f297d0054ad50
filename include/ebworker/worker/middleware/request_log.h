#pragma once

#include <ebworker/worker/middleware.h>

namespace ebworker {

// First in the stack: times the rest of the chain and writes the request's one log line.
class RequestLog : public Middleware {
 public:
  Response call(Request& request, const Next& next) const override;
};

}  // namespace ebworker
