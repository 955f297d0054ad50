#pragma once
// Where `ebworker dev` finds the script that starts fauxqs (the local SQS), so that it runs from
// a user's own project as well as from this repository: the package installs the script with
// its npm manifest in <prefix>/share/ebworker/local-sqs/ (cmake/install.cmake).

#include <filesystem>
#include <string>
#include <vector>

#include <ebworker/result.h>

namespace ebworker {

// The places tried, in order, when no launcher is named:
//   <the executable's directory>/../share/ebworker/local-sqs/fauxqs.mjs  (an installed binary)
//   <the install prefix it was built for>/share/ebworker/local-sqs/fauxqs.mjs
//   ./scripts/fauxqs.mjs                                                  (this repository's root)
std::vector<std::filesystem::path> fauxqs_launcher_places(const std::filesystem::path& executable);

// The first of those that exists, or an error listing them all.
Result<std::filesystem::path> find_fauxqs_launcher(const std::filesystem::path& executable);

// Empty when node finds the fauxqs package from `launcher` (node_modules/fauxqs in its directory
// or one above); otherwise the one line that says how to install it.
std::string fauxqs_missing(const std::filesystem::path& launcher);

// This process's executable (/proc/self/exe), or empty if unknown.
std::filesystem::path current_executable();

}  // namespace ebworker
