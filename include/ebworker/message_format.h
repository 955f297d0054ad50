#pragma once

namespace ebworker {

// How a job travels (docs/rails.md): ebworker's own envelope, signed HMAC-SHA256; a Rails job
// signed as the active_elastic_job gem signs (HMAC-SHA1, origin "AEJ"); or a Rails job unsigned,
// as aws-sdk-rails and aws-activejob-sqs send it. The client sends one (ClientConfig); a worker
// runs those its EBWORKER_ACCEPT names.
enum class MessageFormat { ebworker, active_elastic_job, active_job };

}  // namespace ebworker
