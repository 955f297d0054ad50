#include "middleware/dispatch.h"

#include "job/job_context_from.h"
#include "job/job_runner.h"

namespace ebworker {

Response Dispatch::call(Request& request, const Next&) const {
  auto envelope = Envelope::parse(request.body);
  if (!envelope) return Response::refuse(400, "body is not a valid job envelope: " + envelope.error().message);
  request.envelope = std::move(envelope).value();
  const Envelope& e = *request.envelope;
  request.job_name = e.job_class;
  JobContext context = job_context_from(request, e.job_class);
  context.job_id = e.job_id;
  return run_job(registry_, e.job_class, e.arguments, context);
}

}  // namespace ebworker
