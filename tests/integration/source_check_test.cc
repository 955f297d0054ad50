// Only loopback (and EBWORKER_TRUSTED_SOURCES) may post jobs, judged by the socket's peer
// address, never by a header. The non-loopback peer is real: a network namespace joined to this
// one by a veth pair, A.B.C.1 on the host end (the worker binds there) and A.B.C.2 inside, on
// the first of 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 this machine does not use itself.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/network_namespace.h"
#include "support/worker_test.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

class SourceCheck : public WorkerTest {
 protected:
  void SetUp() override {
    std::string refusal;
    ns_ = NetworkNamespace::create(&refusal);
    if (!ns_) GTEST_SKIP() << "this machine refused to create a network namespace and veth pair: " << refusal;
  }

  // POSTs `m` from inside the namespace with the curl command; returns the HTTP status (0 when
  // there was no answer).
  long post_from_namespace(const WorkerProcess& worker, const SqsdMessage& m) {
    const auto body = dir_ / ("body-" + m.msgid);
    write_file(body, m.body);
    std::vector<std::string> args = {"--silent", "--show-error", "--noproxy", "*", "--max-time", "10",
                                     "--output", (dir_ / ("answer-" + m.msgid)).string(),
                                     "--write-out", "%{http_code}", "-H", "Expect:"};
    for (const auto& h : m.headers) args.insert(args.end(), {"-H", h});
    args.insert(args.end(), {"--data-binary", "@" + body.string(), worker.url()});
    last_ = ns_->exec("curl", args, 20s);
    if (!last_.status) return 0;
    return std::strtol(last_.out.c_str(), nullptr, 10);
  }

  std::unique_ptr<NetworkNamespace> ns_;
  CommandResult last_;
};

TEST_F(SourceCheck, NonLoopbackPeerIs403EvenClaimingLoopbackInHeaders) {
  const std::string peer = ns_->namespace_address();
  auto& worker = start_worker({{"EBWORKER_BIND", ns_->host_address()}});
  ASSERT_EQ(worker.host(), ns_->host_address());

  const auto plain = job_message("EchoJob", "[\"from the namespace\"]", signer_);
  EXPECT_EQ(post_from_namespace(worker, plain), 403) << last_.describe();
  EXPECT_TRUE(logged_once(worker, plain.msgid, 403, "peer=" + peer + " "));
  EXPECT_TRUE(logged_once(worker, plain.msgid, 403,
                          "reason=source " + peer + " is not loopback and not in EBWORKER_TRUSTED_SOURCES"));

  auto spoofed = job_message("EchoJob", "[\"spoofed\"]", signer_);
  spoofed.add_header("X-Forwarded-For: 127.0.0.1").add_header("X-Real-IP: 127.0.0.1");
  EXPECT_EQ(post_from_namespace(worker, spoofed), 403) << last_.describe();
  EXPECT_TRUE(logged_once(worker, spoofed.msgid, 403, "reason=source " + peer + " is not loopback"));
  EXPECT_EQ(echo_output(), "");
}

TEST_F(SourceCheck, TrustedSourcesAdmitAnAddressAndARange) {
  const std::string peer = ns_->namespace_address();
  std::string expected;
  for (const std::string& trusted : {peer, ns_->network()}) {
    SCOPED_TRACE("EBWORKER_TRUSTED_SOURCES=" + trusted);
    auto& worker = start_worker({{"EBWORKER_BIND", ns_->host_address()}, {"EBWORKER_TRUSTED_SOURCES", trusted}});
    const auto m = job_message("EchoJob", "[\"" + trusted + "\"]", signer_);
    EXPECT_EQ(post_from_namespace(worker, m), 200) << last_.describe();
    EXPECT_TRUE(logged_once(worker, m.msgid, 200, "peer=" + peer + " "));
    const auto stopped = worker.stop();
    EXPECT_TRUE(stopped.success()) << stopped.describe();
    expected += "[\"" + trusted + "\"]\n";
  }
  EXPECT_EQ(echo_output(), expected);
}

}  // namespace
}  // namespace ebworker::testing
