#include "fauxqs_process.h"

#include <stdexcept>

#include "fake_sqs.h"

namespace ebworker::testing {

FauxqsProcess::FauxqsProcess() {
  const std::string node = find_on_path("node");
  if (node.empty()) throw std::runtime_error("node is not on PATH: run scripts/setup.sh");
  auto env = base_child_environment();
  env.push_back("AWS_REGION=us-east-1");
  process_ = std::make_unique<ChildProcess>(
      node, std::vector<std::string>{std::string(EBWORKER_SOURCE_DIR) + "/scripts/fauxqs.mjs", "0"}, env);
  const auto line = process_->wait_for_line("fauxqs listening on ", std::chrono::seconds(20));
  if (!line)
    throw std::runtime_error("fauxqs did not start (node_modules missing? run scripts/setup.sh): " +
                             process_->out() + process_->err());
  endpoint_ = line->substr(line->find("http://"));

  SqsClientOptions options;
  options.credentials = test_credentials();
  options.endpoint = {endpoint_, "us-east-1"};
  options.retry.max_attempts = 1;
  sqs_ = std::make_unique<SqsClient>(std::move(options));
}

std::string FauxqsProcess::create_queue(const std::string& name, std::map<std::string, std::string> attributes) {
  if (name.size() > 5 && name.substr(name.size() - 5) == ".fifo") attributes.emplace("FifoQueue", "true");
  auto url = sqs_->create_queue(name, attributes);
  if (!url) throw std::runtime_error("CreateQueue " + name + ": " + url.error().describe());
  return *url;
}

}  // namespace ebworker::testing
