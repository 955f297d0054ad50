// docs/configuration.md's tables against the settings tables the commands parse with: every
// setting has its row (variable, flag and default as the code has them), and every flag the
// docs name exists. A setting added, renamed or given a new default without its row fails here.
// (The `ebworker sqsd` table has a test of its own, with the ranges: sqsd_config_test.cc.)

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cron_command.h"
#include "cli/dev_config.h"
#include "cli/dlq_command.h"
#include "cli/enqueue_command.h"
#include "cli/post_command.h"
#include "client/client_settings.h"
#include "sqsd/sqsd_config.h"
#include "worker/worker_config.h"

namespace ebworker {
namespace {

std::string read_docs() {
  std::ifstream in(EBWORKER_SOURCE_DIR "/docs/configuration.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The cells of each row of the first table in the section under `heading`.
std::vector<std::vector<std::string>> rows_of(const std::string& heading) {
  const std::string docs = read_docs();
  const auto start = docs.find("\n" + heading + "\n");
  if (start == std::string::npos) return {};
  const auto end = docs.find("\n## ", start + heading.size() + 1);
  std::istringstream section(docs.substr(start, end == std::string::npos ? std::string::npos : end - start));
  std::vector<std::vector<std::string>> rows;
  bool in_table = false;
  for (std::string line; std::getline(section, line);) {
    if (line.rfind("|---", 0) == 0) {
      in_table = true;
      continue;
    }
    if (line.rfind("| ", 0) != 0) {
      if (in_table) break;
      continue;
    }
    if (!in_table) continue;  // a header row
    std::vector<std::string> cells;
    for (size_t at = 2; at < line.size();) {
      const auto bar = line.find(" |", at);
      if (bar == std::string::npos) break;
      cells.push_back(line.substr(at, bar - at));
      at = bar + 3;
    }
    rows.push_back(cells);
  }
  return rows;
}

// "`EBWORKER_X`" → "EBWORKER_X"; "(none)" → "".
std::string name_in(const std::string& cell) {
  if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`') return cell.substr(1, cell.size() - 2);
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A table of four columns: variable, flag, default, meaning.
template <typename Config>
void expect_table_matches(const std::string& heading, const std::vector<Setting<Config>>& settings) {
  const auto rows = rows_of(heading);
  ASSERT_FALSE(rows.empty()) << "no table under \"" << heading << "\" in docs/configuration.md";
  std::set<std::string> flags;
  for (const auto& s : settings) {
    if (!s.flag.empty()) flags.insert(std::string(s.flag));
    bool found = false;
    for (const auto& row : rows) {
      ASSERT_EQ(row.size(), 4u) << heading << ": a row of " << row.size() << " cells";
      if (name_in(row[0]) != s.env || name_in(row[1]) != s.flag) continue;
      found = true;
      EXPECT_TRUE(contains(row[2], std::string(s.fallback)))
          << heading << ": " << s.env << " " << s.flag << " defaults to " << s.fallback << ", the docs say " << row[2];
    }
    EXPECT_TRUE(found) << heading << ": no row for variable \"" << s.env << "\" flag \"" << s.flag << "\"";
  }
  for (const auto& row : rows) {
    const std::string flag = name_in(row[1]);
    if (!flag.empty()) {
      EXPECT_TRUE(flags.count(flag)) << heading << ": the docs name " << flag << ", which the command does not take";
    }
  }
}

TEST(ConfigurationDocs, TheWorkersTable) { expect_table_matches("## ebworker serve (the worker)", worker_settings()); }

TEST(ConfigurationDocs, TheInProcessPollersTable) {
  expect_table_matches("## ebworker serve --queue-url (the worker polls its queue)", in_process_sqsd_settings());
}

TEST(ConfigurationDocs, TheDevTable) { expect_table_matches("## ebworker dev", dev_settings()); }

TEST(ConfigurationDocs, TheCronCheckTable) { expect_table_matches("## ebworker cron check", cron_check_settings()); }

TEST(ConfigurationDocs, ThePostTable) { expect_table_matches("## ebworker post", post_settings()); }

TEST(ConfigurationDocs, TheEnqueueTable) { expect_table_matches("## ebworker enqueue", enqueue_settings()); }

TEST(ConfigurationDocs, TheDlqTable) { expect_table_matches("## ebworker dlq", dlq_settings()); }

// The client's table: variables only, some rows naming two ("`A`, `B`" with "`1`, `2`").
TEST(ConfigurationDocs, TheClientsTable) {
  const auto rows = rows_of("## The enqueue client (ebworker enqueue, ebworker::Client)");
  ASSERT_FALSE(rows.empty());
  std::set<std::string> documented;
  for (const auto& s : client_settings()) {
    bool found = false;
    for (const auto& row : rows) {
      ASSERT_EQ(row.size(), 3u);
      std::vector<std::string> names, defaults;
      std::istringstream n(row[0]), d(row[1]);
      for (std::string part; std::getline(n, part, ',');) names.push_back(name_in(part.substr(part.find('`'))));
      for (std::string part; std::getline(d, part, ',');) defaults.push_back(part);
      for (size_t i = 0; i < names.size(); ++i) {
        documented.insert(names[i]);
        if (names[i] != s.env) continue;
        found = true;
        ASSERT_LT(i, defaults.size()) << row[1];
        EXPECT_TRUE(contains(defaults[i], std::string(s.fallback)) || s.fallback == "(none)")
            << s.env << " defaults to " << s.fallback << ", the docs say " << defaults[i];
      }
    }
    EXPECT_TRUE(found || s.env == "AWS_MAX_ATTEMPTS") << "no row for " << s.env;
  }
  // Besides the table: the endpoint and region (sqs_endpoint.h) and enqueue's log level.
  std::set<std::string> known;
  for (const auto& s : client_settings()) known.insert(std::string(s.env));
  for (const char* other : {"AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION",
                            "EBWORKER_LOG_LEVEL"})
    known.insert(other);
  for (const auto& name : documented) EXPECT_TRUE(known.count(name)) << "the docs name " << name << ", which nothing reads";
}

}  // namespace
}  // namespace ebworker
