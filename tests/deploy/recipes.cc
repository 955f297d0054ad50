#include "recipes.h"

#include <rapidjson/error/en.h>

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

rapidjson::Document load_json(const fs::path& path) {
  rapidjson::Document doc;
  const std::string text = read_file(path);
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError())
    throw std::runtime_error(path.string() + " is not JSON: " + rapidjson::GetParseError_En(doc.GetParseError()) +
                             " at offset " + std::to_string(doc.GetErrorOffset()));
  return doc;
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

std::vector<std::string> json_strings(const rapidjson::Value& list) {
  std::vector<std::string> out;
  if (list.IsArray())
    for (const auto& item : list.GetArray())
      if (item.IsString()) out.emplace_back(item.GetString(), item.GetStringLength());
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

Pod ecs_task() {
  Pod pod;
  pod.source = "deploy/ecs/task-definition.json";
  const auto doc = load_json(kRoot / pod.source);
  if (!doc.HasMember("containerDefinitions")) return pod;
  for (const auto& c : doc["containerDefinitions"].GetArray()) {
    Container container;
    container.name = c["name"].GetString();
    container.source = pod.source + ", container " + container.name;
    if (c.HasMember("entryPoint")) container.argv = json_strings(c["entryPoint"]);
    if (c.HasMember("command"))
      for (auto& arg : json_strings(c["command"])) container.argv.push_back(arg);
    if (c.HasMember("environment"))
      for (const auto& e : c["environment"].GetArray()) container.env[e["name"].GetString()] = e["value"].GetString();
    if (c.HasMember("secrets"))
      for (const auto& e : c["secrets"].GetArray()) container.secret_env.insert(e["name"].GetString());
    if (c.HasMember("healthCheck")) {
      auto command = json_strings(c["healthCheck"]["command"]);
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
