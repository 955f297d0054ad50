#pragma once

#include <string>
#include <vector>

namespace ebworker {

// `ebworker post JOB [ARGS_JSON] [--url URL]`: builds and signs a job envelope and POSTs it the
// way aws-sqsd would, with the daemon's headers. For trying a worker by hand and for the demo.
int post_command(const std::vector<std::string>& args);

}  // namespace ebworker
