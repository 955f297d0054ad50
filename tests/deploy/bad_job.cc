// Must not compile: a job without a `name` handed to JobRegistry::add<J>(). The installed-package
// test checks that the compiler's error names the RegistrableJob concept.

#include <ebworker/worker/job.h>
#include <ebworker/worker/job_registry.h>

class NamelessJob : public ebworker::Job {
 public:
  ebworker::JobResult perform(const rapidjson::Value&, ebworker::JobContext&) override { return ebworker::done(); }
};

int main() {
  ebworker::JobRegistry jobs;
  jobs.add<NamelessJob>();
}
