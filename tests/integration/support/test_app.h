#pragma once
// Workers running the tests' own app (test_app/main.cc): GateJob, a job that runs until the
// test releases it; GatedTask, a periodic task that does the same on the file GATED_TASK_GATE
// names; ThreadJob, which reports the threads it sees; and the Marker middleware, added to the
// stack through AppOptions::edit_stack.

#include <chrono>
#include <filesystem>
#include <string>

#include "support/worker_test.h"

namespace ebworker::testing {

class TestAppTest : public WorkerTest {
 protected:
  // Like start_worker, with the test app as the program.
  WorkerProcess& start_test_app(const EnvChanges& changes = {}) {
    return start_next_worker(workers_, {.binary = EBWORKER_TEST_APP, .env = worker_env(changes), .dir = dir_.path()});
  }

  // A gate in the test's directory: GateJob's arguments for it, and the call that opens it.
  struct Gate {
    std::filesystem::path path;
    // Waits at most this long for release, then fails: no forgotten gate outlives a test.
    std::chrono::milliseconds limit{30000};

    std::string arguments() const {
      return "[\"" + path.string() + "\"," + std::to_string(limit.count()) + "]";
    }
    void open() const { write_file(path, "open"); }
  };
  Gate gate(std::string_view name) const { return Gate{dir_ / ("gate-" + std::string(name))}; }

  // GateJob's line once it is running, waiting for `g`.
  static std::string waiting_line(const SqsdMessage& m, const Gate& g) {
    return "msgid=" + m.msgid + " job=GateJob waiting for " + g.path.string();
  }
};

}  // namespace ebworker::testing
