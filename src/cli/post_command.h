#pragma once

#include <string>
#include <vector>

#include <ebworker/environment.h>

#include "core/settings.h"

namespace ebworker {

// `ebworker post JOB [ARGS_JSON] [--url URL] [--queue NAME]`: builds and signs a job envelope and
// POSTs it the way aws-sqsd would, with the daemon's headers (sqsd/worker_post.h). For trying a
// worker by hand and for the demo. Exits 0 only on a 200, 1 when the worker answered otherwise or
// not at all, 2 on a usage error.
int post_command(const std::vector<std::string>& args, const Environment& env);

struct PostConfig {
  std::string url;    // the worker to post to; by default http://127.0.0.1:$PORT/
  std::string queue;  // the queue name it claims
};

// post's options. The default URL is built from PORT (5000 when unset), so its row's default is
// written "http://127.0.0.1:$PORT/".
const std::vector<Setting<PostConfig>>& post_settings();

}  // namespace ebworker
