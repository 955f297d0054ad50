// An artificially distant SQS for the receives benchmark: the tests' chaos proxy
// (tests/support/chaos_proxy.h) on 127.0.0.1 in front of the local queue, with no faults but
// every ReceiveMessage answered after a fixed delay (the round trip to a far region); the other
// actions pass at loopback speed.
//   slow_sqs --upstream-port P --delay-ms D
// Prints "listening on http://127.0.0.1:PORT", runs until SIGTERM or SIGINT, then prints the
// proxy's counts.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "support/chaos_proxy.h"

int main(int argc, char** argv) {
  long upstream_port = 0;
  long delay_ms = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--upstream-port") == 0)
      upstream_port = std::atol(argv[i + 1]);
    else if (std::strcmp(argv[i], "--delay-ms") == 0)
      delay_ms = std::atol(argv[i + 1]);
    else {
      std::fprintf(stderr, "slow_sqs: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (upstream_port <= 0 || upstream_port > 65535 || delay_ms < 0 || delay_ms > 60000) {
    std::fprintf(stderr, "usage: slow_sqs --upstream-port P --delay-ms D (0-60000)\n");
    return 2;
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before the proxy's threads: they inherit it

  ebworker::testing::ChaosRates rates;
  rates.slow = 1.0;
  rates.slow_min = rates.slow_max = std::chrono::milliseconds(delay_ms);
  rates.slow_only = "ReceiveMessage";
  ebworker::testing::ChaosProxy proxy("127.0.0.1", static_cast<std::uint16_t>(upstream_port), rates, 1);
  std::printf("listening on %s\n", proxy.url().c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&stop, &received);
  std::printf("slow_sqs: %s\n", proxy.counts().describe().c_str());
  return 0;
}
