#include "envelope/message_format.h"

#include <string>

namespace ebworker {

std::string_view format_name(MessageFormat format) {
  switch (format) {
    case MessageFormat::ebworker: return "ebworker";
    case MessageFormat::active_elastic_job: return "active_elastic_job";
    case MessageFormat::active_job: return "active_job";
  }
  return "ebworker";
}

Result<MessageFormat> parse_message_format(std::string_view name) {
  for (MessageFormat f : {MessageFormat::ebworker, MessageFormat::active_elastic_job, MessageFormat::active_job})
    if (name == format_name(f)) return f;
  return fail("\"" + std::string(name) + "\" is not a message format (ebworker, active_elastic_job or active_job)");
}

}  // namespace ebworker
