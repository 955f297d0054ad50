#pragma once

#include "http/middleware.h"
#include "job/job_registry.h"

namespace ebworker {

// Last in the worker chain: parses the (verified) envelope and runs the job it names.
// 400 not a valid envelope · 404 unknown job · 500 the job failed · 200 done.
class Dispatch : public Middleware {
 public:
  explicit Dispatch(const JobRegistry& registry) : registry_(registry) {}
  Response call(Request& request, const Next& next) const override;

 private:
  const JobRegistry& registry_;
};

}  // namespace ebworker
