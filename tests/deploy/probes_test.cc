// The recipes' health probes work: each exec probe of the Kubernetes pod and each health check of
// the ECS task, run as written with its container's environment (bash, as in the image), passes
// against a server answering 200 on the probed path, fails on a 503 or a closed port, and the
// worker's passes against a real `ebworker serve` configured as the recipe configures it.

#include <gtest/gtest.h>

#include <atomic>

#include "recipes.h"
#include "support/closed_port.h"
#include "support/fake_http_server.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/worker_process.h"

namespace ebworker::recipes {
namespace {

using namespace std::chrono_literals;
using testing::CommandResult;

// The port variable a probe connects to: the worker's PORT or the daemon's health port.
std::string port_variable(const Container& c) {
  return c.ebworker_command() == "serve" ? "PORT" : "EBWORKER_SQSD_HEALTH_PORT";
}

std::string probed_path(const Container& c) {
  return c.ebworker_command() == "serve" ? c.env.at("EBWORKER_HEALTH_PATH") : "/health";
}

// Runs `probe` with the container's environment, its port variable set to `port`.
CommandResult run_probe(const Container& c, const std::vector<std::string>& probe, std::uint16_t port) {
  Environment env = testing::base_environment();
  for (const auto& [name, value] : c.env) env[name] = value;
  env[port_variable(c)] = std::to_string(port);
  const std::vector<std::string> args(probe.begin() + 1, probe.end());
  return testing::run_command(probe.front(), args, env, 10s);
}

std::vector<const Container*> probed_containers() {
  static const Pod pods[] = {kubernetes_pod(), ecs_task()};
  std::vector<const Container*> out;
  for (const auto& pod : pods)
    for (const auto& c : pod.containers)
      if (!c.probes.empty()) out.push_back(&c);
  return out;
}

TEST(DeployProbes, PassOnTwoHundredAndFailOtherwise) {
  const auto containers = probed_containers();
  ASSERT_GE(containers.size(), 2u) << "the worker, in the pod and in the task";
  for (const Container* c : containers) {
    const std::string path = probed_path(*c);
    std::atomic<int> status{200};
    testing::FakeHttpServer server([&](const Request& request) {
      if (request.method != "GET" || request.path != path) return Response{404, "not here\n", "", {}};
      return Response{status.load(), "{\"status\":\"ok\"}", "", {}};
    });
    for (const auto& probe : c->probes) {
      SCOPED_TRACE(c->source + ": " + probe.back());
      status = 200;
      const auto healthy = run_probe(*c, probe, server.port());
      EXPECT_TRUE(healthy.success()) << healthy.describe();
      status = 503;
      EXPECT_FALSE(run_probe(*c, probe, server.port()).success()) << "a 503 must fail the probe";
      EXPECT_FALSE(run_probe(*c, probe, testing::closed_port()).success()) << "nothing listening must fail it";
    }
    EXPECT_FALSE(server.requests().empty());
    for (const auto& r : server.requests()) EXPECT_EQ(r.path, path) << c->source;
  }
}

// The worker's probes against the worker itself, listening and configured as in the recipes:
// loopback, no trusted source but loopback, the recipe's health path.
TEST(DeployProbes, TheWorkersProbesPassAgainstTheWorker) {
  for (const Container* c : probed_containers()) {
    if (c->ebworker_command() != "serve") continue;
    SCOPED_TRACE(c->source);
    testing::TempDir dir("ebworker-probe");
    testing::WorkerProcess::Options options;
    options.dir = dir.path();
    options.env = testing::worker_environment(dir.path(), std::string(64, 'k'),
                                              {{"EBWORKER_BIND", c->env.at("EBWORKER_BIND")},
                                               {"EBWORKER_TRUSTED_SOURCES", c->env.at("EBWORKER_TRUSTED_SOURCES")},
                                               {"EBWORKER_HEALTH_PATH", c->env.at("EBWORKER_HEALTH_PATH")},
                                               {"EBWORKER_JOB_THREADS", c->env.at("EBWORKER_JOB_THREADS")},
                                               {"EBWORKER_CRON_FILE", std::nullopt}});
    testing::WorkerProcess worker(std::move(options));
    for (const auto& probe : c->probes) {
      const auto result = run_probe(*c, probe, worker.port());
      EXPECT_TRUE(result.success()) << probe.back() << "\n" << result.describe() << "\nworker log:\n" << worker.log();
    }
    worker.stop();
  }
}

}  // namespace
}  // namespace ebworker::recipes
