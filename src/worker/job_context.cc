#include "worker/job_context.h"

#include <charconv>

namespace ebworker {

JobContext job_context(const Request& request, std::string_view job_name, std::string_view job_id) {
  const std::string_view count_text = request.headers.get(sqsd_header::kReceiveCount);
  int receive_count = 0;
  std::from_chars(count_text.data(), count_text.data() + count_text.size(), receive_count);
  JobContext context{
      .message_id = std::string(request.message_id()),
      .job_id = std::string(job_id),
      .receive_count = receive_count,
      .first_received_at = std::string(request.headers.get(sqsd_header::kFirstReceivedAt)),
      .queue_name = std::string(request.headers.get(sqsd_header::kQueue)),
      .task_name = std::nullopt,
      .scheduled_at = std::nullopt,
      .log = JobLog(request.message_id(), job_name),
  };
  if (const std::string_view task = request.task_name(); !task.empty()) {
    context.task_name = std::string(task);
    context.scheduled_at = std::string(request.headers.get(sqsd_header::kScheduledAt));
  }
  return context;
}

}  // namespace ebworker
