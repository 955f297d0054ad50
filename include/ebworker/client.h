#pragma once
// ebworker::client: what the web tier links to enqueue jobs (no HTTP server, no yaml-cpp).
//   client/client.h         Client: enqueue a signed job to SQS; EnqueueOptions, Enqueued
//   client/client_config.h  ClientConfig: queue URL, region, endpoint, retries, timeouts
//   client/credentials.h    Credentials, and the chain they are found by
//   client/sqs_error.h      SqsError (AwsError): how an AWS call failed, and whether to retry it
//   client/active_job_forms.h  arguments a Rails job receives as Symbol, Time, Date, GlobalID, ...
//   message_format.h        MessageFormat: ebworker's envelope, or a Rails job
//   result.h                Result<T>, Error, fail()
//   environment.h           Environment: the variables settings are read from
//   sqs_limits.h            SQS's limits: the longest visibility and delay, the largest message

#include <ebworker/client/active_job_forms.h>
#include <ebworker/client/client.h>
#include <ebworker/client/client_config.h>
#include <ebworker/client/credentials.h>
#include <ebworker/client/sqs_error.h>
#include <ebworker/environment.h>
#include <ebworker/message_format.h>
#include <ebworker/result.h>
#include <ebworker/sqs_limits.h>
