#pragma once

#include <ebworker/worker/request.h>

#include "envelope/message_format.h"

namespace ebworker {

// The format a daemon-posted message is in, from its X-Aws-Sqsd-Attr-* headers: origin "AEJ" is
// active_elastic_job; any other message with a message-digest is ebworker's (as it always was);
// one without is an unsigned ActiveJob message.
MessageFormat incoming_format(const Request& request);

}  // namespace ebworker
