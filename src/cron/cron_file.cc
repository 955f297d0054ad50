#include "cron/cron_file.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
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

}  // namespace

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
    auto schedule_text = required_string(entry, "schedule", path);
    if (!schedule_text) return Unexpected{schedule_text.error()};
    auto schedule = CronSchedule::parse(*schedule_text);
    if (!schedule) return fail(at(path, entry["schedule"].Mark()) + schedule.error().message);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (!schedule->next_after(now))
      return fail(at(path, entry["schedule"].Mark()) + "schedule \"" + *schedule_text +
                  "\" never fires (no such date)");
    if (!registry.contains(*name))
      return fail(at(path, entry["name"].Mark()) + "task \"" + *name +
                  "\" is not a registered job (register it in main, or fix the name)");
    if ((*url)[0] != '/') return fail(at(path, entry["url"].Mark()) + "\"url\" must start with /");
    if (const YAML::Node exclusive = entry["exclusive"]) {
      if (!exclusive.IsScalar() || (exclusive.Scalar() != "true" && exclusive.Scalar() != "false"))
        return fail(at(path, exclusive.Mark()) + "\"exclusive\" must be true or false");
      task.exclusive = exclusive.Scalar() == "true";
    }
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

const CronTask* CronFile::find(std::string_view task_name) const {
  for (const auto& t : tasks_)
    if (t.name == task_name) return &t;
  return nullptr;
}

bool CronFile::declares_url(std::string_view url) const {
  for (const auto& t : tasks_)
    if (t.url == url) return true;
  return false;
}

}  // namespace ebworker
