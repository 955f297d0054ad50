// Web-tier code: hand a job to the worker tier, and decide what to do when that fails.
//
//   export EBWORKER_QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/123456789012/jobs
//   export SECRET_KEY_BASE=…   # the worker's
//   ./enqueue_example EchoJob '["hello", 42]'
//
// The web tier needs the worker's SECRET_KEY_BASE (jobs are signed with it), the queue URL,
// and AWS credentials allowed sqs:SendMessage on that queue (the instance profile on Beanstalk).
// Build the Client once at start-up and share it: it is thread-safe and keeps connections open.
//
// enqueue() has already retried throttling, 5xx and transport failures with backoff by the time
// it returns an error, so the caller never loops on it. What is left is a decision per kind:
//
//   invalid_request  our call is wrong (size, delay, arguments JSON, FIFO rules, config): fix the
//                    code; sending it again gives the same answer
//   client           SQS refused it (AccessDenied, QueueDoesNotExist…): fix the deployment
//   credentials      no AWS credentials here: fix the deployment (instance profile, env vars)
//   throttled, server, transport, timeout
//                    still failing after the retries: tell the user to try again (503), or keep
//                    the job (an outbox table) and send it later
//   md5_mismatch     SQS stored something other than what we sent: treat it as not sent, and
//                    send it again (later) as for the transient kinds
//
// After timeout or transport errors SQS may still have stored the message, and a resend after
// any error may produce a second copy: delivery is at-least-once, so jobs are idempotent.

#include <cstdio>
#include <string>
#include <string_view>

#include <ebworker/client/client.h>
#include <ebworker/environment.h>

namespace {

// What the web request does next. A real handler maps these to its own answers.
enum class NextStep {
  done,                // 202 Accepted: the job is in the queue
  fix_the_call,        // 500, and a log line for the developer: a bug in this code
  fix_the_deployment,  // 500, and an alert: permissions, queue URL, credentials
  retry_later,         // 503 with Retry-After, or store the job and send it from an outbox
};

NextStep next_step(const ebworker::SqsError& error) {
  using Kind = ebworker::SqsErrorKind;
  switch (error.kind) {
    case Kind::invalid_request:
      return NextStep::fix_the_call;
    case Kind::client:
    case Kind::credentials:
      return NextStep::fix_the_deployment;
    case Kind::throttled:
    case Kind::server:
    case Kind::transport:
    case Kind::timeout:
    case Kind::md5_mismatch:  // not sent, as far as we can tell: same as a transient failure
      return NextStep::retry_later;
  }
  return NextStep::fix_the_deployment;
}

const char* describe(NextStep step) {
  switch (step) {
    case NextStep::done: return "done: answer 202 Accepted";
    case NextStep::fix_the_call: return "fix the call: a bug in the web tier's code; answer 500";
    case NextStep::fix_the_deployment:
      return "fix the deployment: queue URL, IAM permissions or credentials; answer 500 and alert";
    case NextStep::retry_later:
      return "retry later: answer 503 with Retry-After, or store the job in an outbox and resend it";
  }
  return "";
}

// The part a web handler would hold: one call, one decision.
NextStep enqueue_for_request(const ebworker::Client& client, std::string_view job,
                             std::string_view arguments_json) {
  auto sent = client.enqueue(job, arguments_json);
  if (sent) {
    std::printf("enqueued %.*s: message %s, job %s\n", static_cast<int>(job.size()), job.data(),
                sent->message_id.c_str(), sent->job_id.c_str());
    return NextStep::done;
  }
  const ebworker::SqsError& error = sent.error();
  std::fprintf(stderr, "enqueue failed (%s): %s\n", std::string(ebworker::to_string(error.kind)).c_str(),
               error.describe().c_str());
  return next_step(error);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fputs("usage: enqueue_example JOB [ARGS_JSON]\n"
               "  reads EBWORKER_QUEUE_URL, SECRET_KEY_BASE and the AWS SDKs' variables\n",
               stderr);
    return 2;
  }
  // Once, at start-up: a bad configuration stops the web tier here, naming the variable.
  auto client = ebworker::Client::from_environment(ebworker::process_environment());
  if (!client) {
    std::fprintf(stderr, "enqueue_example: %s\n", client.error().message.c_str());
    return 2;
  }
  const NextStep step = enqueue_for_request(*client, argv[1], argc == 3 ? argv[2] : "[]");
  std::printf("next: %s\n", describe(step));
  switch (step) {
    case NextStep::done: return 0;
    case NextStep::retry_later: return 75;  // EX_TEMPFAIL
    default: return 1;
  }
}
