#pragma once
// The one way ebworker reads a variable from an Environment. An empty value counts as unset, as
// the AWS SDKs and CLI treat AWS_* variables (AWS_PROFILE= means the default profile), so that
// every reader agrees on what "set" means. (load_settings, core/settings.h, reads its tables'
// variables itself: there an empty value is a value to check.)

#include <optional>
#include <string>
#include <string_view>

#include <ebworker/environment.h>

namespace ebworker {

// The value of `name`, or nullopt when it is absent or empty. It points into `env`.
std::optional<std::string_view> lookup(const Environment& env, std::string_view name);

// The value of `name`, or `fallback` when it is absent or empty.
std::string lookup_or(const Environment& env, std::string_view name, std::string_view fallback = {});

}  // namespace ebworker
