// Target (b) of the worker benchmark: pistache with a handler that answers 200 and does nothing
// else, with the options ebworker's server uses (I/O threads, ReuseAddr, the request size limit).
//   bare_pistache [--port P] [--threads N]     P 0 (the default) picks a free port
// Prints "bare pistache listening on http://127.0.0.1:PORT"; SIGTERM/SIGINT stop it.
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace Http = Pistache::Http;

class OkHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(OkHandler)
  void onRequest(const Http::Request&, Http::ResponseWriter writer) override {
    writer.send(Http::Code::Ok, "OK\n", MIME(Text, Plain));
  }
};

int main(int argc, char** argv) {
  int port = 0, threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--port")) port = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: bare_pistache [--port P] [--threads N]\n");
      return 2;
    }
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before pistache starts its threads

  Http::Endpoint endpoint(Pistache::Address("127.0.0.1", Pistache::Port(static_cast<uint16_t>(port))));
  endpoint.init(Http::Endpoint::options()
                    .threads(threads)
                    .flags(Pistache::Tcp::Options::ReuseAddr)
                    .maxRequestSize(1024 * 1024 + 64 * 1024));
  endpoint.setHandler(Http::make_handler<OkHandler>());
  endpoint.serveThreaded();
  std::printf("bare pistache listening on http://127.0.0.1:%u\n", static_cast<unsigned>(endpoint.getPort()));
  std::fflush(stdout);

  int received = 0;
  sigwait(&stop, &received);
  endpoint.shutdown();
  return 0;
}
