// A user's app: one job of its own, and the whole ebworker command line (serve, post, enqueue,
// sqsd, cron, dev) from one call.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <ebworker/worker/cli.h>
#include <ebworker/worker/job.h>

// Appends "hello, NAME" to the file named by GREETING_OUT.
class GreetingJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "GreetingJob";

  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override {
    if (!arguments.IsArray() || arguments.Size() != 1 || !arguments[0].IsString())
      return ebworker::fail("arguments must be [NAME]");
    const std::string line = std::string("hello, ") + arguments[0].GetString() + "\n";
    context.log.info("greeting {}", arguments[0].GetString());
    const char* path = std::getenv("GREETING_OUT");
    if (!path) return ebworker::done();
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(path, "a"), std::fclose);
    if (!out || std::fputs(line.c_str(), out.get()) < 0) return ebworker::fail("cannot write GREETING_OUT");
    return ebworker::done();
  }
};

int main(int argc, char** argv) {
  ebworker::JobRegistry jobs;
  jobs.add<GreetingJob>();
  return ebworker::run_cli(argc, argv, jobs);
}
