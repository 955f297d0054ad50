// A web tier's enqueue: one job to the queue the environment names, and what became of it.
//   web_consumer JOB ARGUMENTS_JSON   → "enqueued MESSAGE_ID" (exit 0) or "enqueue failed
//   (KIND): …" (exit 75 when worth retrying later, 1 otherwise)

#include <cstdio>
#include <string>

#include <ebworker/client.h>  // the client library's one header

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: web_consumer JOB ARGUMENTS_JSON\n");
    return 2;
  }
  auto client = ebworker::Client::from_environment(ebworker::process_environment());
  if (!client) {
    std::fprintf(stderr, "configuration: %s\n", client.error().message.c_str());
    return 1;
  }
  const auto sent = client->enqueue(argv[1], argv[2]);
  if (!sent) {
    const ebworker::SqsError& error = sent.error();
    std::fprintf(stderr, "enqueue failed (%s): %s\n", std::string(ebworker::to_string(error.kind)).c_str(),
                 error.describe().c_str());
    return error.retryable() ? 75 : 1;
  }
  std::printf("enqueued %s\n", sent->message_id.c_str());
  return 0;
}
