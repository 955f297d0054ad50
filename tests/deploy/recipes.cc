#include "recipes.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace ebworker::recipes {

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<YAML::Node> load_yaml_documents(const fs::path& path) {
  try {
    return YAML::LoadAllFromFile(path.string());
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path.string() + " is not YAML: " + e.what());
  }
}

std::string Container::ebworker_command() const {
  if (argv.size() < 2) return "";
  const std::string& program = argv[0];
  const bool is_ebworker = program == "ebworker" || (program.size() > 9 &&
                           program.compare(program.size() - 9, 9, "/ebworker") == 0);
  return is_ebworker ? argv[1] : "";
}

std::vector<std::string> Container::flags() const {
  std::vector<std::string> out;
  for (std::size_t i = 2; i < argv.size(); ++i)
    if (argv[i].rfind("--", 0) == 0) out.push_back(argv[i].substr(0, argv[i].find('=')));
  return out;
}

std::optional<std::string> Container::flag_value(const std::string& flag) const {
  for (std::size_t i = 2; i < argv.size(); ++i) {
    if (argv[i] == flag && i + 1 < argv.size()) return argv[i + 1];
    if (argv[i].rfind(flag + "=", 0) == 0) return argv[i].substr(flag.size() + 1);
  }
  return std::nullopt;
}

std::optional<long> Container::env_number(const std::string& variable) const {
  auto it = env.find(variable);
  if (it == env.end()) return std::nullopt;
  long n = 0;
  const std::string& v = it->second;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return n;
}

const Container* Pod::find(const std::string& command) const {
  for (const auto& c : containers)
    if (c.ebworker_command() == command) return &c;
  return nullptr;
}

namespace {

std::vector<std::string> yaml_strings(const YAML::Node& list) {
  std::vector<std::string> out;
  if (list && list.IsSequence())
    for (const auto& item : list) out.push_back(item.as<std::string>());
  return out;
}

}  // namespace

std::vector<YAML::Node> kubernetes_documents() {
  std::vector<YAML::Node> out;
  for (const auto& file : files_in(kRoot / "deploy/kubernetes", ".yaml"))
    for (auto& doc : load_yaml_documents(file))
      if (doc && doc.IsMap()) out.push_back(doc);
  return out;
}

YAML::Node kubernetes_object(const std::string& kind) {
  for (const auto& doc : kubernetes_documents())
    if (doc["kind"] && doc["kind"].as<std::string>() == kind) return doc;
  return YAML::Node(YAML::NodeType::Null);
}

Pod kubernetes_pod() {
  Pod pod;
  pod.source = "deploy/kubernetes";
  const YAML::Node deployment = kubernetes_object("Deployment");
  if (!deployment.IsMap()) return pod;
  for (const auto& c : deployment["spec"]["template"]["spec"]["containers"]) {
    Container container;
    container.name = c["name"].as<std::string>();
    container.source = "deploy/kubernetes Deployment, container " + container.name;
    container.argv = yaml_strings(c["command"]);
    for (auto& arg : yaml_strings(c["args"])) container.argv.push_back(arg);
    for (const auto& e : c["env"]) {
      const std::string name = e["name"].as<std::string>();
      if (e["valueFrom"]) container.secret_env.insert(name);
      else container.env[name] = e["value"] ? e["value"].as<std::string>() : "";
    }
    for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"})
      if (c[probe] && c[probe]["exec"]) container.probes.push_back(yaml_strings(c[probe]["exec"]["command"]));
    pod.containers.push_back(std::move(container));
  }
  return pod;
}

// ---- CloudFormation ---------------------------------------------------------------------------

namespace {

// Neither Ref nor a value: an entry resolving to it is dropped from its map or sequence.
const std::string kNoValue = "AWS::NoValue";

// The intrinsic function a node calls, in either form: the short tag (!Ref X) or the one-key map
// ({Ref: X}, {Fn::Sub: ...}); "" for plain data. `argument` is what it is called with.
std::string function_of(const YAML::Node& node, YAML::Node& argument) {
  const std::string& tag = node.Tag();
  if (tag.size() > 1 && tag[0] == '!') {
    argument = YAML::Clone(node);
    argument.SetTag("");
    const std::string name = tag.substr(1);
    return name == "Ref" || name == "Condition" ? name : "Fn::" + name;
  }
  if (node.IsMap() && node.size() == 1) {
    const std::string key = node.begin()->first.as<std::string>();
    if (key == "Ref" || key == "Condition" || key.rfind("Fn::", 0) == 0) {
      argument = node.begin()->second;
      return key;
    }
  }
  return "";
}

}  // namespace

CloudFormationTemplate::CloudFormationTemplate(const std::string& file, std::string stack_name)
    : source_(file), stack_name_(std::move(stack_name)) {
  auto docs = load_yaml_documents(kRoot / file);
  if (docs.size() != 1 || !docs[0].IsMap() || !docs[0]["Resources"].IsMap())
    throw std::runtime_error(file + " is not a CloudFormation template with Resources");
  doc_ = docs[0];
}

std::string CloudFormationTemplate::type_of(const std::string& logical_id) const {
  const YAML::Node resource = doc_["Resources"][logical_id];
  if (!resource || !resource.IsMap()) throw std::runtime_error(source_ + " has no resource " + logical_id);
  return resource["Type"].as<std::string>();
}

std::vector<std::string> CloudFormationTemplate::resources_of_type(const std::string& type, bool conditional) const {
  std::vector<std::string> out;
  for (const auto& kv : doc_["Resources"]) {
    const YAML::Node resource = kv.second;
    if (resource["Type"].as<std::string>() != type) continue;
    if (!conditional && resource["Condition"] &&
        !condition(doc_["Conditions"][resource["Condition"].as<std::string>()]))
      continue;
    out.push_back(kv.first.as<std::string>());
  }
  return out;
}

YAML::Node CloudFormationTemplate::properties(const std::string& logical_id) const {
  type_of(logical_id);  // throws for an unknown id
  return resolve(doc_["Resources"][logical_id]["Properties"]);
}

std::string CloudFormationTemplate::property(const std::string& logical_id, const std::string& key) const {
  type_of(logical_id);
  const YAML::Node value = doc_["Resources"][logical_id]["Properties"][key];
  if (!value) throw std::runtime_error(source_ + ": " + logical_id + " has no " + key);
  return resolve(value).as<std::string>();
}

std::string CloudFormationTemplate::ref(const std::string& name) const {
  static const std::map<std::string, std::string> pseudo = {
      {"AWS::Region", "REGION"}, {"AWS::AccountId", "ACCOUNT"}, {"AWS::Partition", "aws"},
      {"AWS::URLSuffix", "amazonaws.com"}, {"AWS::NoValue", kNoValue}};
  if (name == "AWS::StackName") return stack_name_;
  if (auto it = pseudo.find(name); it != pseudo.end()) return it->second;
  // A missing key reads as an invalid node: test it before asking its type.
  if (const YAML::Node parameter = doc_["Parameters"][name]; parameter && parameter.IsMap())
    return parameter["Default"] ? parameter["Default"].as<std::string>() : name;
  const std::string type = type_of(name);
  if (type == "AWS::SQS::Queue")
    return "https://sqs.REGION.amazonaws.com/ACCOUNT/" + property(name, "QueueName");
  if (type == "AWS::ECS::Cluster") return property(name, "ClusterName");
  if (type == "AWS::DynamoDB::Table") return property(name, "TableName");
  if (type == "AWS::Logs::LogGroup") return property(name, "LogGroupName");
  if (type == "AWS::IAM::ManagedPolicy") return "arn:aws:iam::ACCOUNT:policy/" + property(name, "ManagedPolicyName");
  if (type == "AWS::SecretsManager::Secret") return "arn:aws:secretsmanager:REGION:ACCOUNT:secret:" + property(name, "Name") + "-SUFFIX";
  return name;  // roles, profiles, services, ...: a name AWS makes up
}

std::string CloudFormationTemplate::get_att(const std::string& logical_id, const std::string& attribute) const {
  const std::string type = type_of(logical_id);
  if (type == "AWS::SQS::Queue" && attribute == "Arn") return "arn:aws:sqs:REGION:ACCOUNT:" + property(logical_id, "QueueName");
  if (type == "AWS::SQS::Queue" && attribute == "QueueName") return property(logical_id, "QueueName");
  if (type == "AWS::DynamoDB::Table" && attribute == "Arn")
    return "arn:aws:dynamodb:REGION:ACCOUNT:table/" + property(logical_id, "TableName");
  if (type == "AWS::ECS::Service" && attribute == "Name") return property(logical_id, "ServiceName");
  if (type == "AWS::IAM::Role" && attribute == "Arn") return "arn:aws:iam::ACCOUNT:role/" + logical_id;
  throw std::runtime_error(source_ + ": GetAtt " + logical_id + "." + attribute + " is not one recipes.cc knows");
}

std::string CloudFormationTemplate::sub(const std::string& text) const {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = text.find("${", at);
    if (open == std::string::npos) break;
    const std::size_t close = text.find('}', open);
    if (close == std::string::npos) throw std::runtime_error(source_ + ": unclosed ${ in " + text);
    out += text.substr(at, open - at);
    const std::string name = text.substr(open + 2, close - open - 2);
    const std::size_t dot = name.find('.');
    out += dot == std::string::npos || name.rfind("AWS::", 0) == 0 ? ref(name)
                                                                  : get_att(name.substr(0, dot), name.substr(dot + 1));
    at = close + 1;
  }
  return out + text.substr(at);
}

bool CloudFormationTemplate::condition(const YAML::Node& node) const {
  YAML::Node argument;
  const std::string function = function_of(node, argument);
  if (function == "Fn::Equals") return resolve(argument[0]).as<std::string>() == resolve(argument[1]).as<std::string>();
  if (function == "Fn::Not") return !condition(argument[0]);
  if (function == "Condition") return condition(doc_["Conditions"][argument.as<std::string>()]);
  throw std::runtime_error(source_ + ": a condition recipes.cc cannot evaluate");
}

YAML::Node CloudFormationTemplate::resolve(const YAML::Node& node) const {
  YAML::Node argument;
  const std::string function = function_of(node, argument);
  if (function == "Ref") return YAML::Node(ref(argument.as<std::string>()));
  if (function == "Fn::Sub") return YAML::Node(sub(argument.as<std::string>()));
  if (function == "Fn::GetAtt") {
    if (argument.IsSequence()) return YAML::Node(get_att(argument[0].as<std::string>(), argument[1].as<std::string>()));
    const std::string name = argument.as<std::string>();
    return YAML::Node(get_att(name.substr(0, name.find('.')), name.substr(name.find('.') + 1)));
  }
  if (function == "Fn::FindInMap") {
    const YAML::Node value = doc_["Mappings"][resolve(argument[0]).as<std::string>()][resolve(argument[1]).as<std::string>()]
                                 [resolve(argument[2]).as<std::string>()];
    if (!value) throw std::runtime_error(source_ + ": FindInMap finds nothing");
    return YAML::Clone(value);
  }
  if (function == "Fn::If") {
    const bool holds = condition(doc_["Conditions"][argument[0].as<std::string>()]);
    return resolve(argument[holds ? 1 : 2]);
  }
  if (!function.empty()) throw std::runtime_error(source_ + ": " + function + " is not one recipes.cc resolves");
  const auto dropped = [](const YAML::Node& n) { return n.IsScalar() && n.Scalar() == kNoValue; };
  if (node.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& kv : node) {
      YAML::Node value = resolve(kv.second);
      if (!dropped(value)) out[kv.first.as<std::string>()] = value;
    }
    return out;
  }
  if (node.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) {
      YAML::Node value = resolve(item);
      if (!dropped(value)) out.push_back(value);
    }
    return out;
  }
  return YAML::Clone(node);
}

CloudFormationTemplate base_stack() { return {"deploy/cloudformation/base.yaml", "ebworker"}; }
CloudFormationTemplate ecs_stack() { return {"deploy/cloudformation/ecs.yaml", "ebworker-ecs"}; }
CloudFormationTemplate beanstalk_stack() { return {"deploy/cloudformation/beanstalk.yaml", "ebworker-beanstalk"}; }
CloudFormationTemplate eks_stack() { return {"deploy/cloudformation/eks.yaml", "ebworker-eks"}; }

Pod ecs_task() {
  const CloudFormationTemplate stack = ecs_stack();
  Pod pod;
  pod.source = stack.source() + " TaskDefinition";
  const auto ids = stack.resources_of_type("AWS::ECS::TaskDefinition");
  if (ids.size() != 1) return pod;
  for (const auto& c : stack.properties(ids[0])["ContainerDefinitions"]) {
    Container container;
    container.name = c["Name"].as<std::string>();
    container.source = pod.source + ", container " + container.name;
    container.argv = yaml_strings(c["EntryPoint"]);
    for (auto& arg : yaml_strings(c["Command"])) container.argv.push_back(arg);
    for (const auto& e : c["Environment"]) container.env[e["Name"].as<std::string>()] = e["Value"].as<std::string>();
    for (const auto& e : c["Secrets"]) container.secret_env.insert(e["Name"].as<std::string>());
    if (c["HealthCheck"]) {
      auto command = yaml_strings(c["HealthCheck"]["Command"]);
      if (!command.empty() && command[0] == "CMD") command.erase(command.begin());
      if (!command.empty() && command[0] == "CMD-SHELL") command = {"sh", "-c", command.size() > 1 ? command[1] : ""};
      container.probes.push_back(command);
    }
    pod.containers.push_back(std::move(container));
  }
  return pod;
}

ConfigurationDocs::ConfigurationDocs() {
  std::istringstream in(read_file(kRoot / "docs/configuration.md"));
  std::string line, section;
  const std::regex backticked("`([^`]+)`");
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      section = line.substr(3);
      continue;
    }
    if (line.rfind("| ", 0) != 0) continue;
    // The first two cells: the variable and the flag, in either order.
    std::size_t end = line.find('|', 1);
    if (end != std::string::npos) end = line.find('|', end + 1);
    const std::string cells = line.substr(0, end);
    for (std::sregex_iterator it(cells.begin(), cells.end(), backticked), stop; it != stop; ++it) {
      // "`EBWORKER_SQS_BACKOFF_BASE_MS`, `EBWORKER_SQS_BACKOFF_MAX_MS`" lists two in one cell.
      names_[section].insert((*it)[1].str());
    }
  }
}

bool ConfigurationDocs::documents(const std::string& name) const {
  for (const auto& [section, names] : names_)
    if (names.count(name)) return true;
  return false;
}

bool ConfigurationDocs::documents_in(const std::string& section, const std::string& name) const {
  for (const auto& [title, names] : names_)
    if (title.rfind(section, 0) == 0 && names.count(name)) return true;
  return false;
}

std::string queue_name(const std::string& queue_url) { return queue_url.substr(queue_url.rfind('/') + 1); }

}  // namespace ebworker::recipes
