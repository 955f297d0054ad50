#include <ebworker/worker/middleware/sqsd_only.h>

#include "core/text.h"

namespace ebworker {

bool SqsdOnly::is_daemon(std::string_view user_agent) {
  return istarts_with(user_agent, "aws-sqsd") || istarts_with(user_agent, "sqsd");
}

Response SqsdOnly::call(Request& request, const Next& next) const {
  if (request.method == "POST" && is_daemon(request.headers.get("User-Agent"))) return next(request);
  return app_(request);
}

}  // namespace ebworker
