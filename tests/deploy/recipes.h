#pragma once
// The scale-out recipes under deploy/ (Kubernetes, CloudFormation, Elastic Beanstalk), read as the
// tests of tests/deploy/recipes_test.cc and probes_test.cc need them: each container's command
// line, environment and health probes, whichever format it came from, and docs/configuration.md's
// settings tables, read at run time.

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

// A template under deploy/cloudformation read as the guide deploys it (docs/deployment.md):
// parameters at their defaults (one without a default stays its name: SecretArn, Image), the
// pseudo-parameters as the placeholders REGION, ACCOUNT, aws and amazonaws.com, the stack under
// the guide's name; a resource's Ref and GetAtt as AWS answers them for the types the templates
// use (a queue's URL, a table's ARN, ...), !If on the conditions, !FindInMap, AWS::NoValue dropped. Another
// intrinsic function throws: teach it here first.
class CloudFormationTemplate {
 public:
  CloudFormationTemplate(const std::string& file, std::string stack_name);  // file under kRoot
  const std::string& source() const { return source_; }
  // The logical ids of the resources of `type` that the template creates; with `conditional`,
  // also those whose condition is false with the defaults.
  std::vector<std::string> resources_of_type(const std::string& type, bool conditional = false) const;
  // A resource's Properties, resolved; throws when the template has no such resource.
  YAML::Node properties(const std::string& logical_id) const;
  YAML::Node resolve(const YAML::Node& node) const;

 private:
  std::string ref(const std::string& name) const;
  std::string get_att(const std::string& logical_id, const std::string& attribute) const;
  std::string sub(const std::string& text) const;
  std::string property(const std::string& logical_id, const std::string& key) const;
  std::string type_of(const std::string& logical_id) const;
  bool condition(const YAML::Node& node) const;

  std::string source_;
  std::string stack_name_;
  YAML::Node doc_;
};

// The stacks as docs/deployment.md names them.
CloudFormationTemplate base_stack();         // base.yaml as "ebworker"
CloudFormationTemplate ecs_stack();          // ecs.yaml as "ebworker-ecs"
CloudFormationTemplate beanstalk_stack();    // beanstalk.yaml as "ebworker-beanstalk"
CloudFormationTemplate eks_stack();          // eks.yaml as "ebworker-eks"

// The Deployment's pod in deploy/kubernetes and ecs.yaml's task definition.
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
