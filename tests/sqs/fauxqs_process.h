#pragma once
// fauxqs, the local SQS, as a child process on 127.0.0.1 (scripts/fauxqs.mjs on a free port),
// for one test. Written for the SQS tests until a shared one exists in tests/support.

#include <map>
#include <memory>
#include <string>

#include "child_process.h"
#include "sqs/sqs_client.h"

namespace ebworker::testing {

class FauxqsProcess {
 public:
  // Starts fauxqs and waits (at most 20 s) until it listens. Throws std::runtime_error with its
  // output when it does not.
  FauxqsProcess();

  // "http://127.0.0.1:PORT": where every request goes.
  const std::string& endpoint() const { return endpoint_; }

  // Creates a queue and returns its URL (http://sqs.us-east-1.localhost:PORT/000000000000/NAME).
  // A name ending ".fifo" makes a FIFO queue. Throws on failure.
  std::string create_queue(const std::string& name, std::map<std::string, std::string> attributes = {});

  // A client for this fauxqs, with test credentials.
  const SqsClient& sqs() const { return *sqs_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string endpoint_;
  std::unique_ptr<SqsClient> sqs_;
};

}  // namespace ebworker::testing
