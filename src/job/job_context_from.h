#pragma once

#include <string_view>

#include "http/request.h"
#include "job/job.h"

namespace ebworker {

// A job's context from the aws-sqsd headers of its request.
JobContext job_context_from(const Request& request, std::string_view job_name);

}  // namespace ebworker
