#pragma once

#include <string>
#include <string_view>

namespace ebworker {

// A random (version 4) UUID in canonical lowercase form, from OpenSSL's CSPRNG.
std::string uuid_v4();

// Canonical 8-4-4-4-12 hex form, either case.
bool is_uuid(std::string_view s);

}  // namespace ebworker
