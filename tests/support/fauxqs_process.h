#pragma once
// fauxqs, the local SQS, as a child process on 127.0.0.1 (scripts/fauxqs.mjs on a free port),
// for one test: a Process with its output in a file of its own temporary directory, ready once
// its "fauxqs listening on http://127.0.0.1:PORT" line is there (polled with a deadline).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "sqs/sqs_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace ebworker::testing {

// Static keys for fauxqs (SigV4 needs some; fauxqs checks none).
std::shared_ptr<CredentialsProvider> fauxqs_credentials();

class FauxqsProcess {
 public:
  // Starts fauxqs and waits (at most 20 s) until it listens. Throws std::runtime_error with its
  // output when it does not.
  FauxqsProcess();
  ~FauxqsProcess();
  FauxqsProcess(const FauxqsProcess&) = delete;
  FauxqsProcess& operator=(const FauxqsProcess&) = delete;

  // "http://127.0.0.1:PORT": where every request goes.
  const std::string& endpoint() const { return endpoint_; }
  std::uint16_t port() const { return port_; }

  // Creates a queue and returns its URL (http://sqs.us-east-1.localhost:PORT/000000000000/NAME).
  // A name ending ".fifo" makes a FIFO queue. Throws on failure.
  std::string create_queue(const std::string& name, std::map<std::string, std::string> attributes = {});

  // A client for this fauxqs, with static credentials and a single attempt per call.
  const SqsClient& sqs() const { return *sqs_; }
  std::shared_ptr<const SqsClient> shared_sqs() const { return sqs_; }

  // Its output so far (for failure messages).
  std::string output() const { return process_ ? process_->stdout_text() : std::string(); }

 private:
  TempDir dir_{"ebworker-fauxqs"};
  std::unique_ptr<Process> process_;
  std::string endpoint_;
  std::uint16_t port_ = 0;
  std::shared_ptr<SqsClient> sqs_;
};

}  // namespace ebworker::testing
