#pragma once
// The scale-out recipes under deploy/ (Kubernetes, ECS, Elastic Beanstalk, IAM), read as the
// tests of tests/deploy/recipes_test.cc and probes_test.cc need them: each container's command
// line, environment and health probes, whichever format it came from, and docs/configuration.md's
// settings tables, read at run time.

#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ebworker::recipes {

namespace fs = std::filesystem;

inline const fs::path kRoot = EBWORKER_SOURCE_DIR;

std::string read_file(const fs::path& path);
// Regular files directly in `dir` whose name ends with `suffix`, sorted.
std::vector<fs::path> files_in(const fs::path& dir, const std::string& suffix);

// Throws std::runtime_error naming the file and the parse error.
rapidjson::Document load_json(const fs::path& path);
std::vector<YAML::Node> load_yaml_documents(const fs::path& path);

// One container of a pod or a task.
struct Container {
  std::string source;                      // "deploy/kubernetes/deployment.yaml: worker"
  std::string name;
  std::vector<std::string> argv;           // command then args
  std::map<std::string, std::string> env;  // plain values
  std::set<std::string> secret_env;        // names whose value comes from a secret
  std::vector<std::vector<std::string>> probes;  // exec probes / health checks, as argv

  // "serve" or "sqsd" when argv runs ebworker, else "".
  std::string ebworker_command() const;
  // The flags given to it (`--name`, the `=value` cut off), in order.
  std::vector<std::string> flags() const;
  // The value after `--name` (either `--name value` or `--name=value`).
  std::optional<std::string> flag_value(const std::string& flag) const;
  std::optional<long> env_number(const std::string& variable) const;
};

struct Pod {
  std::string source;
  std::vector<Container> containers;
  const Container* find(const std::string& command) const;  // by ebworker_command()
};

// The Deployment's pod in deploy/kubernetes and the task definition in deploy/ecs.
Pod kubernetes_pod();
Pod ecs_task();

// Every document of every YAML file under deploy/kubernetes.
std::vector<YAML::Node> kubernetes_documents();
YAML::Node kubernetes_object(const std::string& kind);  // the first of that kind, or null

// docs/configuration.md's table rows, by section ("ebworker serve", "ebworker sqsd", ...): the
// `backticked` words of each row's first two cells (the variable and the flag).
class ConfigurationDocs {
 public:
  ConfigurationDocs();
  bool documents(const std::string& name) const;  // in any section
  bool documents_in(const std::string& section, const std::string& name) const;

 private:
  std::map<std::string, std::set<std::string>> names_;
};

// The queue name at the end of an SQS queue URL.
std::string queue_name(const std::string& queue_url);

}  // namespace ebworker::recipes
