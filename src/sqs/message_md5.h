#pragma once
// The MD5 digests SQS returns for a sent message, computed locally so a client can check that
// what SQS stored is what was sent (docs/wire-protocol.md, "SQS").

#include <string>
#include <string_view>
#include <vector>

namespace ebworker {

struct MessageAttribute {
  std::string name;
  std::string data_type;  // "String", "Number", "Binary", optionally with a ".custom" suffix
  std::string value;      // UTF-8 text, or the raw (decoded) bytes for Binary
};

// Lowercase hex MD5 of the body bytes (MD5OfMessageBody).
std::string md5_of_body(std::string_view body);

// MD5OfMessageAttributes: attributes sorted by name; each fed as 4-byte big-endian length + name,
// length + data type, one transport byte (1 String/Number, 2 Binary), length + value.
std::string md5_of_attributes(std::vector<MessageAttribute> attributes);

}  // namespace ebworker
