// The text log quotes what requests carry (message ids, paths, job names, a job's own words): a
// line break or a terminal control in them, from any peer, must neither forge a log line nor
// reach the log raw. Sent as bytes on the wire, since libcurl refuses to send such headers.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/raw_connection.h"
#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

// What an attacker would have the log say, as the worker writes its lines.
const std::string kForged =
    "2026-12-07T10:00:00.000Z info POST / status=200 msgid=FORGED job=AdminJob peer=127.0.0.1 duration_ms=0.100";

class LogInjection : public WorkerTest {};

TEST_F(LogInjection, HeaderValuesAndJobNamesForgeNoLine) {
  auto& worker = start_worker();

  // A message id holding a bare line feed and the forged line, then ESC, BEL and a carriage
  // return; an unsigned body, so the worker refuses it (the request line is logged all the same).
  RawConnection conn("127.0.0.1", worker.port());
  const std::string body = "{}";
  conn.send("POST /" "\x1b" "[2J HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: aws-sqsd/3.0\r\n"
            "X-Aws-Sqsd-Msgid: injected\n" + kForged + "\x1b[1A\x1b[2K\x07\r\r\n"
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto answer = conn.read_response(10s);
  ASSERT_TRUE(answer.has_value()) << worker.log();

  // A signed job whose class name holds the forged line: unknown, and logged with its name.
  const auto named = job_message("Nope\n" + kForged + "\x1b]0;title\x07", "[]", signer_);
  const auto sent = send(worker, named);
  ASSERT_NE(sent.status, 0) << sent.describe();

  const auto quoted = worker.wait_for_line("msgid=injected\\n2026-12-07T10:00:00.000Z info POST", 10s);
  ASSERT_TRUE(quoted.has_value()) << worker.log();
  EXPECT_NE(quoted->find("\\x1b[1A\\x1b[2K\\x07\\r"), std::string::npos) << *quoted;
  const auto named_line = worker.wait_for_line("job=Nope\\n2026-12-07T10:00:00.000Z", 10s);
  ASSERT_TRUE(named_line.has_value()) << worker.log();
  EXPECT_NE(named_line->find("\\x1b]0;title\\x07"), std::string::npos) << *named_line;

  const std::string log = worker.log();
  for (const std::string& line : worker.log_lines())
    EXPECT_FALSE(line.starts_with("2026-12-07T10:00:00.000Z")) << "a forged line: " << line;
  for (char raw : {'\x1b', '\x07', '\r', '\0'})
    EXPECT_EQ(log.find(raw), std::string::npos) << "a raw control character " << int(raw) << " in the log";
}

}  // namespace
}  // namespace ebworker::testing
