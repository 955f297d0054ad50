#include "cli/fauxqs_launcher.h"

#include <system_error>

namespace ebworker {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLauncher = "fauxqs.mjs";

// The package's data directory as configured when the library was built (cmake/install.cmake):
// right for a plain `cmake --install`, not for one given another --prefix.
#ifdef EBWORKER_INSTALL_DATADIR
const fs::path kInstallDataDir = EBWORKER_INSTALL_DATADIR;
#else
const fs::path kInstallDataDir;
#endif

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

fs::path current_executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

std::vector<fs::path> fauxqs_launcher_places(const fs::path& executable) {
  std::vector<fs::path> places;
  if (!executable.empty())
    places.push_back((executable.parent_path() / ".." / "share" / "ebworker" / "local-sqs" / kLauncher).lexically_normal());
  if (!kInstallDataDir.empty()) {
    fs::path installed = kInstallDataDir / "local-sqs" / kLauncher;
    if (places.empty() || places.front() != installed) places.push_back(std::move(installed));
  }
  places.push_back(fs::path("scripts") / kLauncher);
  return places;
}

Result<fs::path> find_fauxqs_launcher(const fs::path& executable) {
  const auto places = fauxqs_launcher_places(executable);
  std::string tried;
  for (const auto& place : places) {
    if (is_file(place)) return place;
    tried += (tried.empty() ? "" : ", ") + place.string();
  }
  return fail("no fauxqs launcher found (tried " + tried +
              "): install ebworker (cmake --install), run from ebworker's source tree, or set "
              "EBWORKER_FAUXQS_LAUNCHER");
}

std::string fauxqs_missing(const fs::path& launcher) {
  std::error_code ec;
  const fs::path start = fs::absolute(launcher, ec).parent_path();
  fs::path manifest_dir;
  // Node resolves `import "fauxqs"` from the script's directory upwards.
  for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
    if (is_file(dir / "node_modules" / "fauxqs" / "package.json")) return "";
    if (manifest_dir.empty() && is_file(dir / "package.json")) manifest_dir = dir;
    if (dir == dir.parent_path()) break;
  }
  return "fauxqs (the local SQS, from npm) is not installed for " + launcher.string() + ": run  npm ci --prefix " +
         (manifest_dir.empty() ? start : manifest_dir).string();
}

}  // namespace ebworker
