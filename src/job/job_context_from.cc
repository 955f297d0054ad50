#include "job/job_context_from.h"

#include <charconv>

namespace ebworker {

JobContext job_context_from(const Request& request, std::string_view job_name) {
  const std::string_view count_text = request.headers.get(sqsd_header::kReceiveCount);
  int receive_count = 0;
  std::from_chars(count_text.data(), count_text.data() + count_text.size(), receive_count);
  return JobContext{
      .message_id = std::string(request.message_id()),
      .job_id = {},
      .receive_count = receive_count,
      .first_received_at = std::string(request.headers.get(sqsd_header::kFirstReceivedAt)),
      .queue_name = std::string(request.headers.get(sqsd_header::kQueue)),
      .task_name = std::nullopt,
      .scheduled_at = std::nullopt,
      .log = JobLog(request.message_id(), job_name),
  };
}

}  // namespace ebworker
