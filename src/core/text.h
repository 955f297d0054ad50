#pragma once
// ASCII case for protocol text (header names, schemes, hosts, keywords): never locale-dependent.

#include <string>
#include <string_view>

namespace ebworker {

std::string to_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);

}  // namespace ebworker
