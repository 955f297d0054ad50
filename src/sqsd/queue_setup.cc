#include "sqsd/queue_setup.h"

namespace ebworker {

namespace {
constexpr std::string_view kFifoSuffix = ".fifo";

bool is_fifo(std::string_view name) {
  return name.size() > kFifoSuffix.size() && name.substr(name.size() - kFifoSuffix.size()) == kFifoSuffix;
}
}  // namespace

std::string dead_letter_queue_name(std::string_view queue_name) {
  if (is_fifo(queue_name))
    return std::string(queue_name.substr(0, queue_name.size() - kFifoSuffix.size())) + "-dead-letters.fifo";
  return std::string(queue_name) + "-dead-letters";
}

Result<CreatedQueues> create_queues(const SqsClient& sqs, std::string_view queue_name, int max_receive_count) {
  std::map<std::string, std::string> attributes;
  if (is_fifo(queue_name)) attributes["FifoQueue"] = "true";

  auto dlq = sqs.create_queue(dead_letter_queue_name(queue_name), attributes);
  if (!dlq) return fail("cannot create the dead-letter queue: " + dlq.error().describe());
  auto dlq_attributes = sqs.get_queue_attributes(*dlq, {"QueueArn"});
  if (!dlq_attributes || !dlq_attributes->count("QueueArn"))
    return fail("cannot read the dead-letter queue's ARN" +
                (dlq_attributes ? std::string() : ": " + dlq_attributes.error().describe()));

  auto queue = sqs.create_queue(queue_name, attributes);
  if (!queue) return fail("cannot create queue " + std::string(queue_name) + ": " + queue.error().describe());
  const std::string redrive = "{\"deadLetterTargetArn\":\"" + dlq_attributes->at("QueueArn") +
                              "\",\"maxReceiveCount\":" + std::to_string(max_receive_count) + "}";
  if (auto set = sqs.set_queue_attributes(*queue, {{"RedrivePolicy", redrive}}); !set)
    return fail("cannot set the redrive policy of " + *queue + ": " + set.error().describe());
  return CreatedQueues{*queue, *dlq};
}

}  // namespace ebworker
