#pragma once
// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction: the
// one every suite uses (one class of this name in the namespace, or the linker picks one).

#include <filesystem>
#include <string>
#include <string_view>

namespace ebworker::testing {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "ebworker-it");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

  // Writes `content` to `relative` in it (directories created) and returns the file's path.
  std::string write(std::string_view relative, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

// Whole-file helpers. read_file returns "" for a file that does not exist.
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view content);

}  // namespace ebworker::testing
