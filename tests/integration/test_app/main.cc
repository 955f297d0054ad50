// An app of the integration tests' own, built like a user's: its own jobs and main, the default
// stack edited through AppOptions::edit_stack, all behind the same run_cli as the example app.
//
//   EchoJob                    the example's (ECHO_JOB_OUT)
//   GateJob [PATH, MS]         logs "waiting for PATH", then returns once the file PATH exists:
//                              a job that runs exactly until the test releases it (fails after
//                              MS milliseconds, so a forgotten gate never hangs a worker)
//   GatedTask                  a periodic task (no arguments) that works like GateJob on the
//                              file GATED_TASK_GATE names, for at most 30 s, and appends
//                              "GatedTask ran" to ECHO_JOB_OUT when released
//   ThreadJob [PATH]           writes to PATH the thread it runs on and every thread of the
//                              process, one "job|thread TID NAME" line each
//   Marker (a middleware)      added to the stack (runs last, just before the job): adds
//                              "X-Test-Marker: NNN" (the status the rest of the chain
//                              answered) to the response, and appends
//                              "marker in" / "marker out NNN" lines to ECHO_JOB_OUT around it

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <ebworker/worker/cli.h>

#include "echo_job.h"
#include "worker/dispatch.h"

namespace {

using namespace std::chrono_literals;

std::string thread_name(pthread_t thread) {
  char name[64] = {};
  if (pthread_getname_np(thread, name, sizeof name) != 0) return "?";
  return name;
}

// One write() on an O_APPEND file, so lines of concurrent writers never interleave.
void append_line(const char* path, std::string line) {
  if (!path || !*path) return;
  line.push_back('\n');
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  [[maybe_unused]] const ssize_t written = ::write(fd, line.data(), line.size());
  ::close(fd);
}

class GateJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "GateJob";
  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext& context) override {
    if (arguments.Size() != 2 || !arguments[0].IsString() || !arguments[1].IsUint64())
      return ebworker::fail("arguments must be [path, milliseconds]");
    const std::filesystem::path gate = arguments[0].GetString();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(arguments[1].GetUint64());
    context.log.info("waiting for {}", gate.string());
    // Polls the file system: bounded by the deadline, and a job may block its thread as it likes.
    while (!std::filesystem::exists(gate)) {
      if (std::chrono::steady_clock::now() >= deadline) return ebworker::fail("the gate never opened");
      std::this_thread::sleep_for(5ms);
    }
    context.log.info("released by {}", gate.string());
    return ebworker::done();
  }
};

class GatedTask : public ebworker::Job {
 public:
  static constexpr std::string_view name = "GatedTask";
  ebworker::JobResult perform(const rapidjson::Value&, ebworker::JobContext& context) override {
    const char* gate = std::getenv("GATED_TASK_GATE");
    if (!gate || !*gate) return ebworker::fail("GATED_TASK_GATE is not set");
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    context.log.info("task waiting for {}", gate);
    while (!std::filesystem::exists(gate)) {
      if (std::chrono::steady_clock::now() >= deadline) return ebworker::fail("the gate never opened");
      std::this_thread::sleep_for(5ms);
    }
    append_line(std::getenv("ECHO_JOB_OUT"), "GatedTask ran");
    return ebworker::done();
  }
};

class ThreadJob : public ebworker::Job {
 public:
  static constexpr std::string_view name = "ThreadJob";
  ebworker::JobResult perform(const rapidjson::Value& arguments, ebworker::JobContext&) override {
    if (arguments.Size() != 1 || !arguments[0].IsString()) return ebworker::fail("arguments must be [path]");
    std::string out = "job " + std::to_string(::gettid()) + " " + thread_name(pthread_self()) + "\n";
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string comm_name;
      std::getline(comm, comm_name);
      out += "thread " + task.path().filename().string() + " " + comm_name + "\n";
    }
    std::ofstream(arguments[0].GetString()) << out;
    return ebworker::done();
  }
};

class Marker : public ebworker::Middleware {
 public:
  ebworker::Response call(ebworker::Request& request, const ebworker::Next& next) const override {
    const char* out = std::getenv("ECHO_JOB_OUT");
    append_line(out, "marker in");
    ebworker::Response response = next(request);
    append_line(out, "marker out " + std::to_string(response.status));
    response.headers.add("X-Test-Marker", std::to_string(response.status));
    return response;
  }
};

}  // namespace

int main(int argc, char** argv) {
  ebworker::JobRegistry jobs;
  jobs.add<EchoJob>();
  jobs.add<GateJob>();
  jobs.add<GatedTask>();
  jobs.add<ThreadJob>();
  ebworker::AppOptions options;
  options.edit_stack = [](ebworker::Stack& stack) {
    stack.add<Marker>();
  };
  return ebworker::run_cli(argc, argv, jobs, std::move(options));
}
