// A user's app: one job of its own, a middleware of its own placed by a default middleware's
// public name, and the whole ebworker command line from one call. It includes only
// <ebworker/worker.h>, the header that lists the worker library.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <ebworker/worker.h>

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

// Around every job, periodic tasks included: it sits before PeriodicTasks.
class Timing : public ebworker::Middleware {
 public:
  ebworker::Response call(ebworker::Request& request, const ebworker::Next& next) const override {
    ebworker::Response response = next(request);
    response.headers.add("X-Consumer-Timing", "seen");
    return response;
  }
};

int main(int argc, char** argv) {
  ebworker::JobRegistry jobs;
  jobs.add<GreetingJob>();
  ebworker::AppOptions options;
  options.edit_stack = [](ebworker::Stack& stack) {
    if (stack.contains<ebworker::PeriodicTasks>())
      stack.insert_before<ebworker::PeriodicTasks>(std::make_unique<Timing>());
  };
  return ebworker::run_cli(argc, argv, jobs, options);
}
