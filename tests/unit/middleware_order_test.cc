// Every place that writes the worker's chain down (README, guide, architecture, middlewares.h,
// default_stack.h) names the default stack's real middlewares in their real order, then Dispatch.

#include <cxxabi.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "middleware/default_stack.h"

namespace ebworker {
namespace {

std::string short_name(const std::type_index& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  std::string text = status == 0 ? name.get() : type.name();
  return text.substr(text.rfind(':') + 1);
}

// The names in each chain written in `path`: a line holding "RequestLog →", joined with the
// lines after it while it ends in an arrow, cut at the arrows; prose between them is skipped.
std::vector<std::vector<std::string>> chains_in(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<std::vector<std::string>> chains;
  static const std::regex identifier(R"(^[A-Z][A-Za-z]+$)");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("RequestLog →") == std::string::npos) continue;
    std::string text = lines[i];
    while (text.rfind("→") == text.find_last_not_of(" ") - 2 && i + 1 < lines.size()) text += " " + lines[++i];
    text = text.substr(text.find("RequestLog"));
    std::vector<std::string> names;
    std::size_t at = 0;
    while (at <= text.size()) {
      const std::size_t arrow = text.find("→", at);
      std::string part = text.substr(at, arrow == std::string::npos ? std::string::npos : arrow - at);
      // Its first word, without a comment's slashes or markdown: a middleware's name, or prose.
      if (const auto comment = part.find("//"); comment != std::string::npos) part = part.substr(comment + 2);
      std::stringstream words(part);
      std::string word;
      words >> word;
      word.erase(0, word.find_first_not_of("`*"));
      word.erase(word.find_last_not_of(",.:;`*") + 1);
      if (std::regex_match(word, identifier)) names.push_back(word);
      if (arrow == std::string::npos) break;
      at = arrow + std::string("→").size();
    }
    chains.push_back(names);
  }
  return chains;
}

TEST(MiddlewareOrder, EveryDocumentedChainIsTheDefaultStacksOrder) {
  WorkerConfig config;
  config.process_jobs = true;
  config.endpoints.metrics = "/_ebworker/metrics";
  JobRegistry registry;
  const WorkerChain chain =
      default_stack(config, registry, WorkerParts{.keys = {.current = std::string(40, 'k')}}, [](Request&) { return Response::ok(); });
  std::vector<std::string> expected;
  for (const auto& type : chain.stack.order()) expected.push_back(short_name(type));
  expected.push_back("Dispatch");
  ASSERT_EQ(expected.front(), "RequestLog");

  for (const char* doc : {"README.md", "docs/guide.md", "docs/architecture.md",
                          "include/ebworker/worker/middlewares.h", "middleware/default_stack.h"}) {
    const auto chains = chains_in(std::string(EBWORKER_SOURCE_DIR) + "/" + doc);
    for (const auto& names : chains) {
      EXPECT_EQ(names, expected) << doc;
    }
    if (std::string(doc) != "README.md") {
      EXPECT_FALSE(chains.empty()) << doc << " no longer writes the chain down";
    }
  }
}

}  // namespace
}  // namespace ebworker
