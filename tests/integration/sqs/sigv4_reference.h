#pragma once
// AWS Signature Version 4 computed the way AWS documents it ("Create a signed AWS API request":
// canonical request, string to sign, derived signing key, signature), for the tests only: the
// library never signs by hand, libcurl does. The tests check this reference against AWS's
// published test-suite vectors first, then libcurl's signatures against this reference.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ebworker::testing {

struct SigV4Request {
  std::string method;
  std::string path;   // the canonical URI, e.g. "/"
  std::string query;  // the canonical query string (sorted, encoded), or ""
  std::vector<std::pair<std::string, std::string>> headers;  // the headers to sign, any case
  std::string body;
};

struct SigV4Scope {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string service;
};

std::string sha256_hex(std::string_view data);

// METHOD \n URI \n QUERY \n lowercase-name:trimmed-value\n… \n signed;headers \n hex(sha256(body))
std::string canonical_request(const SigV4Request& request);

// "AWS4-HMAC-SHA256 Credential=…/DATE/REGION/SERVICE/aws4_request, SignedHeaders=…, Signature=…"
// for `amz_date` (YYYYMMDDTHHMMSSZ).
std::string sigv4_authorization(const SigV4Request& request, const SigV4Scope& scope,
                                std::string_view amz_date);

}  // namespace ebworker::testing
