#pragma once

#include <functional>
#include <map>
#include <string>

namespace ebworker {

// Environment variables by name; passed explicitly so tests need not touch the real one.
using Environment = std::map<std::string, std::string, std::less<>>;

Environment process_environment();

}  // namespace ebworker
