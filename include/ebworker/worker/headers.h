#pragma once
// HTTP header fields in arrival order; names compare case-insensitively.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ebworker {

class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void add(std::string name, std::string value);
  // The first field with this name, or nullptr.
  const std::string* find(std::string_view name) const;
  std::string_view get(std::string_view name, std::string_view fallback = {}) const;

  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::vector<Field> fields_;
};

}  // namespace ebworker
