#include <ebworker/worker/middleware/request_log.h>

#include "http/request_log_line.h"

namespace ebworker {

Response RequestLog::call(Request& request, const Next& next) const {
  Response response = next(request);
  log_request(request, response);
  return response;
}

}  // namespace ebworker
