#pragma once
// The JSON document the container and instance metadata services answer with:
//   {"AccessKeyId": "...", "SecretAccessKey": "...", "Token": "...",
//    "Expiration": "2026-11-23T12:00:00Z"}
// (IMDS adds "Code": "Success", "Type", "LastUpdated"; ECS adds "RoleArn".) Expiration is read
// with core/iso_time.h's parser, to the second.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include <ebworker/result.h>

#include "aws/credentials_chain.h"

namespace ebworker {

// The credentials in `body`. Errors name the missing or bad field, never a value.
Result<AwsCredentials> parse_credentials_json(std::string_view body);

// The same document's pieces, for the other credential documents (credential_process's output):
// a string member, nullopt when absent or null, an error naming it when it is not a string;
// and "Expiration", an ISO 8601 UTC time the clock can hold.
Result<std::optional<std::string_view>> optional_string_field(const rapidjson::Value& object, const char* name);
Result<std::optional<std::chrono::system_clock::time_point>> expiration_field(const rapidjson::Value& object);

// The "code" (or "Code") of an error answer, when it is a short word of letters; else empty.
// Safe to quote: it is checked to be a plain word, not free text, and not shaped like a key.
std::string error_code_of(std::string_view body);

}  // namespace ebworker
