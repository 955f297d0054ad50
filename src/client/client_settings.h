#pragma once
// The enqueue client's settings table: ClientConfig read from the environment with the names the
// AWS SDKs use plus ebworker's own. A bad value is an error naming the variable.
//
//   EBWORKER_QUEUE_URL          the queue jobs go to (a call may name another)
//   SECRET_KEY_BASE             the key jobs are signed with (the worker's current key)
//   EBWORKER_MAX_MESSAGE_BYTES  body plus attributes, default 1048576 (SQS's maximum)
//   EBWORKER_LIMITS_TABLE       where unique and debounced keys are kept (DynamoDB)
//   EBWORKER_SQS_*              timeouts and retries (client_settings() lists them)
//   AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION (sqs_endpoint.h)
//   AWS_MAX_ATTEMPTS            the SDKs' name for EBWORKER_SQS_MAX_ATTEMPTS (which wins)
//   credentials: the SDKs' default chain (aws/credentials_chain.h)

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/client/client_config.h>
#include <ebworker/environment.h>
#include <ebworker/result.h>

#include "aws/credentials_chain.h"
#include "aws/retry_policy.h"
#include "core/settings.h"
#include "sqs/message_checks.h"
#include "sqs/sqs_client.h"
#include "sqs/sqs_endpoint.h"

namespace ebworker {

// One documented variable each, as for the worker (core/settings.h); none has a flag.
using ClientSetting = Setting<ClientConfig>;

const std::vector<ClientSetting>& client_settings();

// Defaults, then `env`; credentials from default_credentials_chain(env).
Result<ClientConfig> load_client_config(const Environment& env);

std::string client_settings_help();

// The SQS client options of `config` (credentials, endpoint, retries, timeouts): what
// Client::create builds its SqsClient from, for the commands that talk to SQS without enqueuing.
SqsClientOptions sqs_client_options(const ClientConfig& config);

}  // namespace ebworker
