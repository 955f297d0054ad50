#pragma once
// dynalite, the local DynamoDB (in memory), as a child process on 127.0.0.1
// (scripts/dynalite.mjs on a free port), for one test: ready once its "dynalite listening on
// http://127.0.0.1:PORT" line is there (polled with a deadline), like FauxqsProcess.

#include <cstdint>
#include <memory>
#include <string>

#include "dynamodb/lease_table.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace ebworker::testing {

class DynaliteProcess {
 public:
  // Starts dynalite and waits (at most 20 s) until it listens; throws std::runtime_error with
  // its output when it does not.
  DynaliteProcess();
  ~DynaliteProcess();
  DynaliteProcess(const DynaliteProcess&) = delete;
  DynaliteProcess& operator=(const DynaliteProcess&) = delete;

  // "http://127.0.0.1:PORT/": AWS_ENDPOINT_URL_DYNAMODB for a process under test.
  const std::string& endpoint() const { return endpoint_; }

  // A client with static keys and region us-east-1, a single attempt per call.
  std::shared_ptr<const DynamoClient> client() const { return client_; }
  // A lease table on it, created (and ACTIVE) when `create`.
  std::shared_ptr<const LeaseTable> table(const std::string& name, bool create = true) const;

  // Kills it (SIGKILL): every request after this gets no answer.
  void kill() { process_->kill_and_reap(); }

  std::string output() const { return process_ ? process_->stdout_text() : std::string(); }

 private:
  TempDir dir_{"ebworker-dynalite"};
  std::unique_ptr<Process> process_;
  std::string endpoint_;
  std::shared_ptr<DynamoClient> client_;
};

}  // namespace ebworker::testing
