#pragma once
// The deploy kit's timeouts, derived from the one setting the user changes: InactivityTimeout,
// the longest a job may hold its answer (docs/deployment.md, "Timeouts from one setting"). The
// tests compare every recipe's values with these, so a value changed alone fails by name.

namespace ebworker::deploy {

// Docker's stop grace on Beanstalk (`docker stop`'s default): SIGTERM, then SIGKILL 10 s later.
constexpr long kDockerStopGraceSeconds = 10;

struct Timeouts {
  long inactivity;  // the one setting: aws-sqsd's InactivityTimeout, EBWORKER_SQSD_INACTIVITY_TIMEOUT

  // Above it: no second receiver gets a message while its first still runs it.
  long visibility() const { return inactivity + 60; }
  // nginx's proxy_read_timeout, proxy_send_timeout and send_timeout: at least it, or nginx cuts
  // a job with 504 while it runs.
  long nginx() const { return inactivity + 5; }
  // EBWORKER_JOB_TIME_BUDGET: a continuable job hands itself on well before the daemon gives up.
  long job_time_budget() const { return inactivity * 2 / 3; }
};

}  // namespace ebworker::deploy
