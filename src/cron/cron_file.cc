#include "cron/cron_file.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace ebworker {

namespace {

std::string at(const std::string& path, const YAML::Mark& mark) {
  return path + ":" + std::to_string(mark.line + 1) + ": ";
}

Result<std::string> required_string(const YAML::Node& entry, const char* key,
                                    const std::string& path) {
  const YAML::Node value = entry[key];
  if (!value) return fail(at(path, entry.Mark()) + "task has no \"" + key + "\"");
  if (!value.IsScalar() || value.Scalar().empty())
    return fail(at(path, value.Mark()) + "\"" + key + "\" must be a non-empty string");
  return value.Scalar();
}

std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

Status check_schedule_shape(std::string_view schedule) {
  static const std::set<std::string_view> macros = {"@hourly",  "@daily",  "@midnight", "@weekly",
                                                    "@monthly", "@yearly", "@annually"};
  const auto f = fields(schedule);
  if (f.size() == 1 && !f[0].empty() && f[0][0] == '@') {
    if (macros.count(f[0])) return {};
    return fail("unknown schedule macro \"" + std::string(f[0]) + "\"");
  }
  if (f.size() == 6)
    return fail("schedule \"" + std::string(schedule) +
                "\" has 6 fields: seconds are not supported (aws-sqsd would ignore the 6th field); "
                "use 5 fields: minute hour day-of-month month day-of-week");
  if (f.size() != 5)
    return fail("schedule \"" + std::string(schedule) + "\" has " + std::to_string(f.size()) +
                " fields; expected 5: minute hour day-of-month month day-of-week");
  return {};
}

Result<CronFile> CronFile::load(const std::string& path, const JobRegistry& registry) {
  std::ifstream in(path);
  if (!in) return fail(path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, registry);
}

Result<CronFile> CronFile::parse(std::string_view yaml, const std::string& path,
                                 const JobRegistry& registry) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return fail(at(path, e.mark) + "not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) return fail(path + ":1: expected a mapping with \"version\" and \"cron\"");

  const YAML::Node version = root["version"];
  if (!version) return fail(path + ":1: missing \"version: 1\"");
  if (!version.IsScalar() || version.Scalar() != "1")
    return fail(at(path, version.Mark()) + "\"version\" must be 1");

  const YAML::Node cron = root["cron"];
  if (!cron) return fail(path + ":1: missing \"cron\" list");
  if (!cron.IsSequence()) return fail(at(path, cron.Mark()) + "\"cron\" must be a list of tasks");

  CronFile file;
  for (const YAML::Node& entry : cron) {
    if (!entry.IsMap())
      return fail(at(path, entry.Mark()) + "each task must be a mapping with name, url, schedule");
    CronTask task;
    task.line = entry.Mark().line + 1;
    auto name = required_string(entry, "name", path);
    if (!name) return Unexpected{name.error()};
    auto url = required_string(entry, "url", path);
    if (!url) return Unexpected{url.error()};
    auto schedule = required_string(entry, "schedule", path);
    if (!schedule) return Unexpected{schedule.error()};
    if (auto shape = check_schedule_shape(*schedule); !shape)
      return fail(at(path, entry["schedule"].Mark()) + shape.error().message);
    if (!registry.contains(*name))
      return fail(at(path, entry["name"].Mark()) + "task \"" + *name +
                  "\" is not a registered job (register it in main, or fix the name)");
    if ((*url)[0] != '/') return fail(at(path, entry["url"].Mark()) + "\"url\" must start with /");
    task.name = std::move(name).value();
    task.url = std::move(url).value();
    task.schedule = std::move(schedule).value();
    file.tasks_.push_back(std::move(task));
  }
  return file;
}

bool CronFile::allows(std::string_view task_name, std::string_view url) const {
  for (const auto& t : tasks_)
    if (t.name == task_name && t.url == url) return true;
  return false;
}

}  // namespace ebworker
