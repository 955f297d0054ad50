#include "dlq/requeued_message.h"

#include <algorithm>

#include "worker/retry_hops.h"

namespace ebworker {

OutgoingMessage requeued_message(const ReceivedMessage& dead, bool fifo_target) {
  OutgoingMessage m;
  m.body = dead.body;
  m.attributes = dead.message_attributes;
  std::erase_if(m.attributes, [](const MessageAttribute& a) {
    return a.name == kFailureAttribute || a.name == kAttemptsAttribute;
  });
  if (fifo_target) {
    const auto group = dead.attributes.find("MessageGroupId");
    m.group_id = group != dead.attributes.end() && !group->second.empty() ? group->second : "ebworker-requeued";
    m.deduplication_id = "requeue-" + dead.message_id;
  }
  return m;
}

}  // namespace ebworker
