// The C++ client's jobs on a Rails worker, end to end: `ebworker enqueue --format
// active_elastic_job` and the Client (active_job, unsigned) send into fauxqs, `ebworker sqsd`
// posts to a Rails 6.1 worker under puma (rails/worker.ru: a middleware checking the
// HMAC-SHA1 digest, then ActiveJob::Base.execute), and RecordJob records what Ruby received:
// Symbol, Time, Date, Duration, GlobalID and symbol-keyed hashes built with active_job_forms.h,
// keyword arguments as keywords. A digest under another key is refused 403 and never run.

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include <ebworker/client/active_job_forms.h>

#include "support/local_stack.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono;

class RailsWorker : public LocalStackTest {
 protected:
  // puma serving rails/worker.ru on an ephemeral port of 127.0.0.1; its URL.
  std::string start_rails_worker() {
    Environment env = base_environment();
    env["SECRET_KEY_BASE"] = std::string(kE2eKey);
    env["RECORD_JOB_OUT"] = (dir_.path() / "record.out").string();
    puma_ = std::make_unique<Process>(Process::Options{
        .program = "puma",
        .args = {"-e", "production", "-b", "tcp://127.0.0.1:0",
                 std::string(EBWORKER_SOURCE_DIR) + "/tests/e2e/rails/worker.ru"},
        .env = env,
        .workdir = dir_.path(),
        .stdout_path = dir_.path() / "puma.log",
        .stderr_path = {}});
    const auto listening = puma_->wait_for_line("Listening on http://127.0.0.1:", 30s);
    if (!listening) throw std::runtime_error("puma did not start: " + read_file(dir_.path() / "puma.log"));
    std::smatch port;
    const std::string line = *listening;
    if (!std::regex_search(line, port, std::regex(R"(127\.0\.0\.1:(\d+))"))) throw std::runtime_error(line);
    return "http://127.0.0.1:" + port[1].str() + "/";
  }
  std::string recorded() const { return read_file(dir_.path() / "record.out"); }

  void TearDown() override {
    LocalStackTest::TearDown();
    if (puma_) {
      puma_->send_signal(SIGTERM);
      puma_->wait_for_exit(10s);
    }
  }

  std::unique_ptr<Process> puma_;
};

TEST_F(RailsWorker, TheClientsJobsRunOnRailsWithRubyTypes) {
  const std::string queue = create_queue("to-rails");
  start_sqsd(queue, start_rails_worker(), {"--error-visibility-timeout", "600"});

  const std::string arguments = "[" + active_job::symbol("full") + "," +
                                active_job::time(sys_days(year{2026} / 11 / 23) + hours(10) + nanoseconds(5)) + "," +
                                active_job::date(year{2026} / 1 / 2) + "," + active_job::duration(minutes(5)) + "," +
                                active_job::global_id("gid://shop/User/42") + "," +
                                active_job::symbol_keys(R"({"a":1})").value() + R"(,"text",42,{"plain":[1]},)" +
                                active_job::keywords(R"({"force":true})").value() + "]";
  const Environment env = client_command_env(queue);
  const auto enqueued = run_command(EBWORKER_BINARY, {"enqueue", "RecordJob", arguments, "--format", "active_elastic_job"},
                                    env, 30s);
  ASSERT_TRUE(enqueued.success()) << enqueued.describe();
  const auto unsigned_job = client(queue, [](ClientConfig& c) { c.message_format = MessageFormat::active_job; })
                                .enqueue("RecordJob", R"(["unsigned"])");
  ASSERT_TRUE(unsigned_job) << unsigned_job.error().describe();
  const auto forged = client(queue, [](ClientConfig& c) {
                        c.message_format = MessageFormat::active_elastic_job;
                        c.secret = "another-secret-key-base-0123456789abcdef";
                      }).enqueue("RecordJob", R"(["forged"])");
  ASSERT_TRUE(forged) << forged.error().describe();

  ASSERT_TRUE(eventually([&] { return lines_with(recorded(), {"["}).size() == 2; }, 30s))
      << sqsd_log() << read_file(dir_.path() / "puma.log");
  const std::string out = recorded();
  EXPECT_EQ(lines_with(out, {R"([["Symbol",":full"],["Time","2026-11-23 10:00:00.000000005 UTC"],)"
                             R"(["Date","#<Date: 2026-01-02 ((2461043j,0s,0n),+0s,2299161j)>"],["ActiveSupport::Duration","300 seconds"],)"
                             R"(["User","User 42"],["Hash","{:a=>1}"],["String","\"text\""],["Integer","42"],)"
                             R"(["Hash","{\"plain\"=>[1]}"],["Hash","{:force=>true}"]])"})
                .size(),
            1u)
      << out;
  EXPECT_EQ(lines_with(out, {R"([["String","\"unsigned\""],["Hash","{}"]])"}).size(), 1u) << out;
  EXPECT_TRUE(eventually([&] { return !lines_with(sqsd_log(), {forged->message_id, "403"}).empty(); }, 20s))
      << sqsd_log();
  EXPECT_EQ(out.find("forged"), std::string::npos) << out;
}

}  // namespace
}  // namespace ebworker::testing
